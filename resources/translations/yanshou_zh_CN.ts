<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../desktop/ui/app.py" line="56"/>
        <location filename="../../desktop/ui/app.py" line="149"/>
        <location filename="../../desktop/ui/app.py" line="298"/>
        <location filename="../../desktop/ui/app.py" line="427"/>
        <source>Yanshou</source>
        <translation>验收</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/app.py" line="150"/>
        <source>{0} is an export. The team lead merges exports on the master&apos;s desk; on a laptop, use &apos;yanshou merge&apos; with the master&apos;s export.</source>
        <translation>{0} 是导出文件。导出文件由组长在主库工作台上合并；在笔记本电脑上，请用“yanshou merge”合并主库的导出文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/app.py" line="299"/>
        <source>{0} is already open in another Yanshou window. Switch to that window.</source>
        <translation>{0} 已在另一个验收窗口中打开，请切换到该窗口。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/app.py" line="425"/>
        <source>Writing the last merge into the database file; Yanshou closes by itself when it is done…</source>
        <translation>正在把最近一次合并写入数据库文件，完成后验收软件会自行关闭…</translation>
    </message>
</context>
<context>
    <name>CameraDialog</name>
    <message>
        <location filename="../../desktop/ui/camera.py" line="101"/>
        <source>Take a photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="105"/>
        <source>Photo for: {0}</source>
        <translation>照片归入：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="113"/>
        <source>Starting the camera…</source>
        <translation>正在启动摄像头…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="117"/>
        <source>Take photo</source>
        <translation>拍照</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="120"/>
        <source>Take a photo (Space); it is attached to the item at once</source>
        <translation>拍照（空格键）；照片立即附到本项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="122"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="151"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="156"/>
        <source>{0} photos taken</source>
        <translation>已拍 {0} 张</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="161"/>
        <source>The photo could not be taken: {0}</source>
        <translation>未能拍照：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/camera.py" line="166"/>
        <source>The camera cannot be used: {0}</source>
        <translation>摄像头无法使用：{0}</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <location filename="../../desktop/ui/charts.py" line="166"/>
        <source>complete</source>
        <translation>数据完整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="170"/>
        <location filename="../../desktop/ui/charts.py" line="185"/>
        <source>Weighted totals</source>
        <translation>加权总分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="167"/>
        <source>provisional: items unscored or a method&apos;s score missing</source>
        <translation>暂定：有项目未评分或缺少某种方式的得分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="183"/>
        <source>{0} (provisional)</source>
        <translation>{0}（暂定）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="187"/>
        <source>Not started (no bar): {0}</source>
        <translation>未开始（无柱）：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="204"/>
        <source>all items scored</source>
        <translation>各项均已评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="205"/>
        <source>some items unscored (counted as nothing)</source>
        <translation>部分未评分（按零计）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="213"/>
        <source>{0}: share of each first-level indicator&apos;s points</source>
        <translation>{0}：各一级指标得分率</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="218"/>
        <source>{0}  not scored</source>
        <translation>{0}  未评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="222"/>
        <source>{0}  {1}/{2} ({3}%)</source>
        <translation>{0}  {1}/{2}（{3}%）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/charts.py" line="226"/>
        <source>{0}/{1} items</source>
        <translation>已评 {0}/{1} 项</translation>
    </message>
</context>
<context>
    <name>DocumentDialog</name>
    <message>
        <location filename="../../desktop/ui/documents.py" line="117"/>
        <source>Print and export</source>
        <translation>打印与导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="121"/>
        <source>Inspection record (检查记录表)</source>
        <translation>检查记录表</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="121"/>
        <source>Results summary (验收结果汇总表)</source>
        <translation>验收结果汇总表</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="122"/>
        <source>Problem list (问题整改清单)</source>
        <translation>问题整改清单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="122"/>
        <source>County scorecard (验收成绩单)</source>
        <translation>验收成绩单</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="128"/>
        <source>Sign digitally</source>
        <translation>数字签名</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="129"/>
        <source>Signs the PDF with this computer&apos;s device key; any change to the file afterwards shows.</source>
        <translation>用本机的设备密钥对 PDF 签名；签名后文件的任何改动都会被发现。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="130"/>
        <source>Make</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="135"/>
        <source>Document</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="135"/>
        <source>County</source>
        <translation>县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="136"/>
        <source>Inspector</source>
        <translation>检查人员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="146"/>
        <source>Choose a document and press Make.</source>
        <translation>选择文件后点击“生成”。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="149"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="151"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="153"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="195"/>
        <source>{0} conflicts of this county are not settled yet: what is printed now is provisional (the record says so).</source>
        <translation>本县尚有 {0} 项冲突未解决：现在打印的记录为暂定（记录上也会注明）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="205"/>
        <source>All inspectors</source>
        <translation>全体检查人员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="228"/>
        <location filename="../../desktop/ui/documents.py" line="230"/>
        <source>Making the document…</source>
        <translation>正在生成文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="230"/>
        <location filename="../../desktop/ui/documents.py" line="300"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="239"/>
        <location filename="../../desktop/ui/documents.py" line="263"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="257"/>
        <source>{0}: {1} pages.</source>
        <translation>{0}：共 {1} 页。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="272"/>
        <source>Save the document</source>
        <translation>保存文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="272"/>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="279"/>
        <source>Saved to {0}.</source>
        <translation>已保存到 {0}。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="300"/>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="310"/>
        <source>Sent {0} pages to {1}.</source>
        <translation>已将 {0} 页发送到 {1}。</translation>
    </message>
</context>
<context>
    <name>Documents</name>
    <message>
        <location filename="../../desktop/ui/documents.py" line="66"/>
        <source>the document could not be read for printing</source>
        <translation>无法读取该文档以进行打印</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/documents.py" line="73"/>
        <source>the printer could not be started</source>
        <translation>无法启动打印机</translation>
    </message>
</context>
<context>
    <name>EvidencePanel</name>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="141"/>
        <source>Drop photos or documents here</source>
        <translation>将照片或文件拖到此处</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="146"/>
        <source>Attach…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="149"/>
        <source>Caption…</source>
        <translation>说明…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="151"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="154"/>
        <source>History…</source>
        <translation>历史…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="159"/>
        <source>Attach files; or drop them here, or paste (Ctrl+V) files or a picture</source>
        <translation>添加文件；也可将文件拖到此处，或粘贴（Ctrl+V）文件或图片</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="161"/>
        <source>Take photo…</source>
        <translation>拍照…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="163"/>
        <source>Take a photo with the computer&apos;s camera; it is attached to this item and mode</source>
        <translation>用电脑摄像头拍照，照片附到本项的当前检查方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="179"/>
        <source>Evidence ({0})</source>
        <translation>证据（{0}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="185"/>
        <source>taken {0}</source>
        <translation>拍摄于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="185"/>
        <source>no capture time</source>
        <translation>无拍摄时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="187"/>
        <source>attached {0}</source>
        <translation>添加于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="209"/>
        <source>Attach evidence</source>
        <translation>添加证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="210"/>
        <source>Photos and documents (*.jpg *.jpeg *.png *.heic *.pdf *.doc *.docx *.xls *.xlsx);;All files (*)</source>
        <translation>照片和文件 (*.jpg *.jpeg *.png *.heic *.pdf *.doc *.docx *.xls *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="219"/>
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="219"/>
        <source>What the picture or document shows:</source>
        <translation>照片或文件的内容说明：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="246"/>
        <source>pasted</source>
        <translation>粘贴</translation>
    </message>
</context>
<context>
    <name>EvidenceViewer</name>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="73"/>
        <source>Save the file (it is not opened from Yanshou)</source>
        <translation>保存文件（此类文件不在验收程序中打开）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="64"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="143"/>
        <source>taken {0}</source>
        <translation>拍摄于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="143"/>
        <source>no capture time</source>
        <translation>无拍摄时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="145"/>
        <source>place {0}</source>
        <translation>位置 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="146"/>
        <source>attached {0}</source>
        <translation>添加于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="156"/>
        <source>Open in another program</source>
        <translation>用其他程序打开</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="156"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="160"/>
        <source>Loading…</source>
        <translation>正在载入…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="177"/>
        <source>Loading… {0} %</source>
        <translation>正在载入… {0} %</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="217"/>
        <source>This picture cannot be shown; open it in another program.</source>
        <translation>无法显示此图片，请用其他程序打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="221"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="222"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="223"/>
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="224"/>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="225"/>
        <source>Rotate</source>
        <translation>旋转</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="265"/>
        <source>This PDF cannot be shown; open it in another program.</source>
        <translation>无法显示此PDF文件，请用其他程序打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="275"/>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="276"/>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/viewer.py" line="289"/>
        <source>Page {0} of {1}</source>
        <translation>第 {0} 页，共 {1} 页</translation>
    </message>
</context>
<context>
    <name>History</name>
    <message>
        <location filename="../../desktop/ui/history.py" line="36"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="38"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="40"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="47"/>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="48"/>
        <source>conflict settled by the lead: {0}</source>
        <translation>组长裁决冲突：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="52"/>
        <source>{0}: {1} → {2}</source>
        <translation>{0}：{1} → {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="55"/>
        <source>(no change of content)</source>
        <translation>（内容未变）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="59"/>
        <source>team lead</source>
        <translation>组长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="71"/>
        <source>History — {0}</source>
        <translation>历史 — {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="74"/>
        <source>Every version of this record is kept. Bringing an older one back writes it again as a new version; nothing is lost.</source>
        <translation>此记录的每个版本都会保留。恢复较早的版本会将其另存为新版本，任何内容都不会丢失。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="80"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="80"/>
        <source>Who</source>
        <translation>修改人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="81"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="81"/>
        <source>What changed</source>
        <translation>改动内容</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="88"/>
        <source>Bring this version back…</source>
        <translation>恢复此版本…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="114"/>
        <source>what the record holds now</source>
        <translation>记录当前的内容</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="135"/>
        <source>Bring back the version of {0} by {1}? It is written as a new version; the one now is kept in the history.</source>
        <translation>恢复 {1} 于 {0} 保存的版本？它将另存为新版本，当前版本仍保留在历史中。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="165"/>
        <source>Deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="172"/>
        <source>What</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="172"/>
        <source>County</source>
        <translation>县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="173"/>
        <source>Item</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="173"/>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="174"/>
        <source>Deleted by</source>
        <translation>删除人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="174"/>
        <source>Deleted at</source>
        <translation>删除时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="181"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="184"/>
        <source>History…</source>
        <translation>历史…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="205"/>
        <source>{0} deleted records. Restoring one writes it again as it last was.</source>
        <translation>共 {0} 条已删除的记录。恢复后按删除前的最后内容重新保存。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="206"/>
        <source>Nothing has been deleted.</source>
        <translation>没有已删除的记录。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/history.py" line="210"/>
        <source>(inbox)</source>
        <translation>（收件箱）</translation>
    </message>
</context>
<context>
    <name>InboxPanel</name>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="314"/>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="317"/>
        <source>To this item</source>
        <translation>放到本项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="319"/>
        <source>Put the selected photos under the current item, in the current mode</source>
        <translation>将选中的照片放到当前指标、当前检查方式下</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="321"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="333"/>
        <source>Photo inbox ({0}): drag photos onto an item of the tree</source>
        <translation>照片收件箱（{0}）：将照片拖到左侧指标上</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/evidence.py" line="341"/>
        <source>Import a folder of photos</source>
        <translation>导入照片文件夹</translation>
    </message>
</context>
<context>
    <name>IndicatorTreeModel</name>
    <message>
        <location filename="../../desktop/ui/tree.py" line="51"/>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tree.py" line="51"/>
        <source>Modes</source>
        <translation>检查方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tree.py" line="51"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tree.py" line="107"/>
        <source>{0} problems</source>
        <translation>{0} 个问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tree.py" line="109"/>
        <source>{0} evidence</source>
        <translation>{0} 个证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tree.py" line="112"/>
        <source>No findings yet</source>
        <translation>尚无检查发现</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/tree.py" line="116"/>
        <source>{0}/{1} scored</source>
        <translation>已评 {0}/{1}</translation>
    </message>
</context>
<context>
    <name>ItemEditor</name>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="254"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="259"/>
        <source>Not scored</source>
        <translation>未评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="268"/>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="270"/>
        <source>Every version of this item&apos;s score and of its findings in each mode</source>
        <translation>本指标评分及各检查方式发现的每个版本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="272"/>
        <source>Score and reasoning</source>
        <translation>评分和理由</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="277"/>
        <source>Findings · {0}</source>
        <translation>检查发现 · {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="289"/>
        <source>Reasoning</source>
        <translation>评分说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="292"/>
        <location filename="../../desktop/ui/item_view.py" line="358"/>
        <source>Why this score: which requirement was met or missed</source>
        <translation>评分理由：哪些要求达到或未达到</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="302"/>
        <source>Problems found</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="306"/>
        <source>Add problem…</source>
        <translation>添加问题…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="309"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="337"/>
        <source>History…</source>
        <translation>历史…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="339"/>
        <source>Every version of the problem chosen: who changed what, and when</source>
        <translation>所选问题的每个版本：谁在何时改了什么</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="325"/>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="325"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="325"/>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="325"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="358"/>
        <source>Give a score first, then the reasoning</source>
        <translation>请先评分，再填写评分说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="384"/>
        <source>Item {0}  ({1} points)</source>
        <translation>指标 {0}（{1} 分）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="393"/>
        <source>of {0}</source>
        <translation>满分 {0}</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../desktop/ui/labels.py" line="26"/>
        <location filename="../../desktop/ui/charts.py" line="188"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="15"/>
        <source>complete</source>
        <translation>完整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="16"/>
        <source>provisional</source>
        <translation>暂定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="17"/>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="25"/>
        <source>{0} items unscored</source>
        <translation>{0} 项未评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="32"/>
        <source>missing: {0}</source>
        <translation>缺：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/labels.py" line="40"/>
        <source>{0} (provisional)</source>
        <translation>{0}（暂定）</translation>
    </message>
</context>
<context>
    <name>LeadWindow</name>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="43"/>
        <source>merged</source>
        <translation>已合并</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="44"/>
        <source>nothing new</source>
        <translation>无新内容</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="45"/>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="46"/>
        <source>can be merged</source>
        <translation>可合并</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="58"/>
        <source>Sealed</source>
        <translation>加密</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="81"/>
        <source>waiting to be accepted</source>
        <translation>待接受</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="101"/>
        <source>Not sealed: anyone who held the file on the way could read it (the laptop had no key of the master yet, or an older Yanshou wrote it). Its signatures were checked as always.</source>
        <translation>未加密：文件在传递途中任何人都能读取（该笔记本当时还没有汇总库的密钥，或由旧版验收软件导出）。其签名照常已核验。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="130"/>
        <source>Merge laptop exports</source>
        <translation>合并检查员导出文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="160"/>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="193"/>
        <source>Checking {0} files (nothing is written yet)…</source>
        <translation>正在检查 {0} 个文件（尚未写入任何内容）…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="323"/>
        <source>{0} wait for their device to be accepted below.</source>
        <translation>另有 {0} 个文件须先在下方接受其设备。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="343"/>
        <source>… and {0} more</source>
        <translation>……另有 {0} 个</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="345"/>
        <source>Left out of the folder ({0}):</source>
        <translation>文件夹中未合并的文件（{0} 个）：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="383"/>
        <source>not an export</source>
        <translation>不是导出文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="384"/>
        <source>hidden folder</source>
        <translation>隐藏文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="385"/>
        <source>cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="386"/>
        <source>folder too deep</source>
        <translation>文件夹层级过深</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="387"/>
        <source>a link, not followed</source>
        <translation>快捷链接，未跟随</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="54"/>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="113"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="86"/>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="224"/>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="90"/>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="55"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="77"/>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="115"/>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="46"/>
        <source>inspector&apos;s laptop</source>
        <translation>检查员笔记本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="47"/>
        <source>lead&apos;s desk</source>
        <translation>组长工作台</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="55"/>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="57"/>
        <source>{0} minutes ago</source>
        <translation>{0} 分钟前</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="59"/>
        <source>{0} hours ago</source>
        <translation>{0} 小时前</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="60"/>
        <source>{0} days ago</source>
        <translation>{0} 天前</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="67"/>
        <source>missing no. {0}</source>
        <translation>缺第 {0} 次</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="88"/>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="56"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="89"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="91"/>
        <source>Exports merged</source>
        <translation>已合并导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="92"/>
        <source>Last export</source>
        <translation>最近导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="93"/>
        <source>Last merged</source>
        <translation>最近合并时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="94"/>
        <source>Since</source>
        <translation>距今</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="95"/>
        <source>Gaps</source>
        <translation>缺号</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="96"/>
        <source>Items</source>
        <translation>涉及指标项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="97"/>
        <source>Counties</source>
        <translation>涉及县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="103"/>
        <source>Recovery code…</source>
        <translation>恢复码…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="105"/>
        <source>A laptop whose system&apos;s store lost the key of its files: open its recovery file (keys\recovery-….bin, brought on a USB stick) to read the code that opens them again</source>
        <translation>某台笔记本的系统受保护存储丢失了其文件的密钥时：打开它的恢复文件（keys\recovery-….bin，用U盘带来），读出重新打开这些文件的恢复码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="111"/>
        <source>Revoke device…</source>
        <translation>吊销设备…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="113"/>
        <source>For a lost or stolen laptop: its files exported from now on are refused; what it brought before stays</source>
        <translation>用于丢失或被盗的笔记本：此后导出的文件一律拒收；此前带来的工作保留</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="150"/>
        <source>{0} enrolled devices. {1} of them have exports this master never received (in red): the file went elsewhere or was lost. A later export carries everything before it: no work is missing.</source>
        <translation>已登记设备 {0} 台。其中 {1} 台有导出文件从未合并到本主库（红色标出）：文件交到了别处或已丢失。后一次导出包含此前的全部内容，工作并未缺失。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="155"/>
        <source>{0} enrolled devices.</source>
        <translation>已登记设备 {0} 台。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="172"/>
        <source>{0} (this desk)</source>
        <translation>{0}（本机）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="174"/>
        <source>{0} (revoked)</source>
        <translation>{0}（已吊销）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="177"/>
        <source>{0} + {1} database file</source>
        <translation>{0} + 数据库文件 {1} 个</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="181"/>
        <source>{0} and {1} more</source>
        <translation>{0} 等，另 {1} 个</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="187"/>
        <source>no. {0}</source>
        <translation>第 {0} 次</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="195"/>
        <source>Device {0}, key {1}</source>
        <translation>设备 {0}，密钥 {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="200"/>
        <source>Exports numbered below the last one received that never reached this master</source>
        <translation>编号小于最近一次、却从未合并到本主库的导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="205"/>
        <source>Revoked {0}: its exports after no. {1} are refused; its work merged before stays</source>
        <translation>已于 {0} 吊销：第 {1} 号之后的导出一律拒收；此前合并的工作保留</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="229"/>
        <source>Revoke device</source>
        <translation>吊销设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="230"/>
        <source>Revoke the device of {0} ({1}, key {2})?

Do this for a lost or stolen laptop. Every file it exports after its last one merged here (no. {3}) will be refused, and the exports for the laptops are no longer sealed for it; what it brought before stays. This is not undone here: the inspector&apos;s next laptop is a new database, enrolled anew.</source>
        <translation>吊销 {0} 的设备（{1}，密钥 {2}）？

用于丢失或被盗的笔记本。此后它在本库最后合并的第 {3} 号之后导出的每个文件都会被拒收，给笔记本的导出也不再为它加密；它此前带来的工作保留。此操作在此无法撤销：该检查员的下一台笔记本须新建数据库并重新登记。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="248"/>
        <source>A laptop&apos;s recovery file</source>
        <translation>笔记本的恢复文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="249"/>
        <source>Recovery files (recovery-*.bin);;All files (*)</source>
        <translation>恢复文件 (recovery-*.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="275"/>
        <source>Recovery code</source>
        <translation>恢复码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="280"/>
        <source>The recovery code of {0}&apos;s laptop (device {1}, written {2}):</source>
        <translation>{0}的笔记本的恢复码（设备 {1}，写于 {2}）：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="285"/>
        <source>This code opens that laptop&apos;s encrypted Yanshou files. Give it to its inspector only, in person or by telephone, to type when the laptop asks for the recovery code. Do not write it down or keep it: this window does not keep it.</source>
        <translation>此恢复码可打开该笔记本上加密的验收软件文件。只告诉该笔记本的检查员本人（当面或电话），在笔记本要求输入恢复码时输入。请勿记下或保存：本窗口也不保存它。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/devices_tab.py" line="303"/>
        <source>never</source>
        <translation>从未合并</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="363"/>
        <location filename="../../desktop/ui/lead/window.py" line="601"/>
        <location filename="../../desktop/ui/lead/window.py" line="615"/>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="57"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="59"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="60"/>
        <location filename="../../desktop/ui/lead/history_tab.py" line="36"/>
        <source>New versions</source>
        <translation>新增记录版本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="61"/>
        <source>Already here</source>
        <translation>已有</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="62"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="129"/>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="63"/>
        <location filename="../../desktop/ui/lead/history_tab.py" line="37"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="200"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="211"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="72"/>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="64"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="154"/>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="197"/>
        <source>Merging…</source>
        <translation>正在合并…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="198"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="211"/>
        <source>Merging {0}…</source>
        <translation>正在合并 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="77"/>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="289"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="40"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="51"/>
        <source>(master)</source>
        <translation>（组长主库）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="74"/>
        <source>database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="254"/>
        <source>Merged {0} files: {1} versions added; {2} refused; {3} brought nothing new.</source>
        <translation>已合并 {0} 个文件：新增 {1} 个版本；{2} 个被拒绝；{3} 个无新内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="260"/>
        <source>The master was backed up first.</source>
        <translation>合并前已备份主库。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="319"/>
        <source>Dry run: {0} files can be merged, {1} are refused, {2} bring nothing new. Nothing was written.</source>
        <translation>预检：{0} 个文件可合并，{1} 个被拒绝，{2} 个无新内容。尚未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="280"/>
        <source>Devices not seen before. Check each key&apos;s fingerprint with its inspector (it is shown on their laptop) before accepting it:</source>
        <translation>以下为首次出现的设备。接受前请与检查员核对密钥指纹（显示在其电脑的状态栏中）：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="288"/>
        <source>Accept {0} — device {1}, key {2}</source>
        <translation>接受 {0} — 设备 {1}，密钥 {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="43"/>
        <source>Adjudication and adjustment</source>
        <translation>裁定与调整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="56"/>
        <source>Adjudicate an item&apos;s score</source>
        <translation>裁定指标得分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="57"/>
        <source>Adjust the county&apos;s total</source>
        <translation>调整县区总分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="58"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="68"/>
        <source>Score or change</source>
        <translation>得分或调整值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="71"/>
        <source>Why (it is printed with the result)</source>
        <translation>理由（将随结果打印）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="78"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="80"/>
        <source>Withdraw</source>
        <translation>撤回</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="100"/>
        <source>No decision recorded yet.</source>
        <translation>尚无记录。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="102"/>
        <source>Recorded now: {0} — {1}</source>
        <translation>当前记录：{0} — {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="121"/>
        <source>withdrawal of a decision</source>
        <translation>撤回裁定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/decision.py" line="123"/>
        <source>decision for {0}</source>
        <translation>{0}的裁定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="99"/>
        <source>Yanshou — team lead — {0} — {1}</source>
        <translation>验收 — 组长工作台 — {0} — {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="84"/>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="195"/>
        <location filename="../../desktop/ui/lead/decision.py" line="53"/>
        <location filename="../../desktop/ui/lead/results_tab.py" line="53"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="74"/>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="61"/>
        <location filename="../../desktop/ui/import_dialog.py" line="135"/>
        <location filename="../../desktop/ui/import_dialog.py" line="151"/>
        <source>County</source>
        <translation>县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="43"/>
        <source>Import scores — {0}</source>
        <translation>导入得分 — {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="46"/>
        <source>File: {0}</source>
        <translation>文件：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="50"/>
        <source>Method</source>
        <translation>验收方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="54"/>
        <source>Choose the method…</source>
        <translation>请选择验收方式…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="71"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="128"/>
        <source>{0} rows, all valid. Choose the method to see what the import will change.</source>
        <translation>共 {0} 行，全部有效。请选择验收方式，查看导入后的变化。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="135"/>
        <source>In the sheet</source>
        <translation>表中得分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="148"/>
        <source>{0} values will be replaced.</source>
        <translation>将替换 {0} 个已有得分。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="152"/>
        <source>Now</source>
        <translation>现有得分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="153"/>
        <source>After the import</source>
        <translation>导入后</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="175"/>
        <source>{0} problems: nothing will be imported until they are fixed.</source>
        <translation>发现 {0} 处问题：修正之前不会导入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="187"/>
        <location filename="../../desktop/ui/import_dialog.py" line="207"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="188"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="253"/>
        <source>Imported {0}: {1} rows, {2} counties — {3} values replaced, {4} unchanged, {5} new.</source>
        <translation>已导入{0}：{1} 行，{2} 个县区 — 替换 {3} 个得分，{4} 个不变，{5} 个新增。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="87"/>
        <location filename="../../desktop/ui/import_dialog.py" line="189"/>
        <location filename="../../desktop/ui/import_dialog.py" line="209"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="144"/>
        <source>{0} rows, all valid. Counties not in the sheet keep their scores.</source>
        <translation>共 {0} 行，全部有效。表中未列出的县区保留原有得分。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/import_dialog.py" line="271"/>
        <source>{0} items, sum {1}</source>
        <translation>{0} 项，合计 {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="115"/>
        <source>Results</source>
        <translation>验收结果</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="119"/>
        <source>County detail</source>
        <translation>县区明细</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="231"/>
        <location filename="../../desktop/ui/lead/window.py" line="133"/>
        <location filename="../../desktop/ui/lead/window.py" line="308"/>
        <source>Rectification</source>
        <translation>整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="125"/>
        <location filename="../../desktop/ui/lead/window.py" line="290"/>
        <source>Agreement</source>
        <translation>一致性</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="137"/>
        <location filename="../../desktop/ui/lead/window.py" line="299"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="139"/>
        <source>Timeline</source>
        <translation>时间节点</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="141"/>
        <source>Merge history</source>
        <translation>合并记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="151"/>
        <source>Desk</source>
        <translation>工作台</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="155"/>
        <source>Deleted…</source>
        <translation>已删除…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="158"/>
        <source>Merge exports…</source>
        <translation>合并导出文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="161"/>
        <source>Merge a USB folder…</source>
        <translation>合并U盘文件夹…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="163"/>
        <source>Adjudicate / adjust…</source>
        <translation>裁定/调整…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="166"/>
        <source>Import scores…</source>
        <translation>导入得分…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="169"/>
        <source>Export results…</source>
        <translation>导出结果表…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="171"/>
        <source>Export problems…</source>
        <translation>导出问题清单…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="176"/>
        <source>Export for the laptops…</source>
        <translation>导出给笔记本…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="178"/>
        <source>The master as one signed file for the laptops to merge: the lead&apos;s settings, decisions and every laptop&apos;s work</source>
        <translation>把主库导出为一个签名文件供各笔记本合并：组长的设置、裁定和各笔记本的工作</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="182"/>
        <source>Scorecard…</source>
        <translation>成绩单…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="185"/>
        <source>The county chosen in the results on one page: also by a double-click on its row</source>
        <translation>结果表中所选县区的一页成绩单（也可双击该行）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="192"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="208"/>
        <source>Master database · device {0}</source>
        <translation>组长主库 · 设备 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="234"/>
        <source>Cancelled: nothing was merged; the master is exactly as it was before.</source>
        <translation>已取消：未合并任何内容，主库与合并前完全相同。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="296"/>
        <source>ANOTHER MASTER: it will have the lead&apos;s powers (scores, decisions, settings)</source>
        <translation>另一个汇总库：接受后它将拥有组长的权限（评分、裁定、设置）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="301"/>
        <source>a second laptop of this inspector: check with them that it is theirs</source>
        <translation>该检查员的第二台电脑：请与本人核实</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/merge_dialog.py" line="261"/>
        <source>This report is kept under Merge history.</source>
        <translation>本报告已保存在“合并记录”中。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="85"/>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="196"/>
        <location filename="../../desktop/ui/lead/decision.py" line="65"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="75"/>
        <source>Item</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="173"/>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="189"/>
        <source>Campaign settings…</source>
        <translation>验收设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="206"/>
        <source>Master on the server {0} · device {1}</source>
        <translation>服务器总库 {0} · 设备 {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="226"/>
        <source>Results checked against the signed versions</source>
        <translation>结果已与签名记录核对一致</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="234"/>
        <source>The stored results differ from the signed versions (edited outside Yanshou): run yanshou verify</source>
        <translation>存储的结果与签名记录不符（在验收程序之外被改动）：请运行 yanshou verify 查看</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="240"/>
        <source>The results could not be checked just now</source>
        <translation>暂时无法核对结果</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="104"/>
        <location filename="../../desktop/ui/lead/history_tab.py" line="31"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="38"/>
        <source>Found</source>
        <translation>发现</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="39"/>
        <source>Rectified</source>
        <translation>整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="40"/>
        <source>Verified</source>
        <translation>核实</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="41"/>
        <source>Reopened</source>
        <translation>退回整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="47"/>
        <source>Reopen…</source>
        <translation>退回整改…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="48"/>
        <source>Mark rectified…</source>
        <translation>标记为已整改…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="49"/>
        <location filename="../../desktop/ui/steps.py" line="184"/>
        <source>Mark verified</source>
        <translation>标记为已核实</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="61"/>
        <source>Choose a problem first.</source>
        <translation>请先选择一个问题。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="66"/>
        <source>Reopen the problem: asks for the reason.</source>
        <translation>退回整改：需填写理由。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="67"/>
        <source>Mark it rectified: asks for the evidence (files) or a written account.</source>
        <translation>标记为已整改：需提供整改佐证（文件）或书面说明。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="70"/>
        <source>Verify the rectification.</source>
        <translation>核实整改情况。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="79"/>
        <source>Mark rectified</source>
        <translation>标记为已整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="84"/>
        <source>Evidence of the rectification (files):</source>
        <translation>整改佐证（文件）：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="90"/>
        <source>Add file…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="93"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="99"/>
        <source>Or a written account of the rectification:</source>
        <translation>或填写整改情况书面说明：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="102"/>
        <source>What was done, by whom, and when</source>
        <translation>做了哪些整改、由谁负责、何时完成</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="153"/>
        <source>Reopen the problem</source>
        <translation>退回整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="154"/>
        <source>Why is it reopened? ({0})</source>
        <translation>退回整改的理由？（{0}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="185"/>
        <source>{0}

Mark the rectification of this problem verified? It is the problem&apos;s last step, written under your signature; afterwards the problem can only be reopened, with a reason.</source>
        <translation>{0}

确认该问题的整改已核实吗？这是该问题的最后一步，以您的签名写入；此后该问题只能说明理由后重新打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="56"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="59"/>
        <source>All problems</source>
        <translation>全部问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="66"/>
        <location filename="../../desktop/ui/lead/window.py" line="405"/>
        <source>All counties</source>
        <translation>全部县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="91"/>
        <source>Rectification evidence</source>
        <translation>整改佐证</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="100"/>
        <source>History of the selected problem</source>
        <translation>所选问题的整改经过</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="105"/>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="106"/>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="107"/>
        <source>On what</source>
        <translation>依据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="261"/>
        <source>{0} files</source>
        <translation>{0} 份文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="263"/>
        <source>written account</source>
        <translation>书面说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="265"/>
        <source>reopened: {0}</source>
        <translation>已退回：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="88"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="89"/>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="90"/>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="201"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="306"/>
        <source>Rectification ({0} overdue)</source>
        <translation>整改（{0} 项逾期）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/board.py" line="189"/>
        <source>Overdue since {0}</source>
        <translation>自 {0} 起逾期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/steps.py" line="113"/>
        <source>Evidence of the rectification</source>
        <translation>整改证明材料</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="281"/>
        <source>Conflicts ({0})</source>
        <translation>冲突（{0}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="288"/>
        <source>Agreement ({0} flagged)</source>
        <translation>一致性（{0} 项超阈值）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="297"/>
        <source>Devices ({0} with gaps)</source>
        <translation>设备（{0} 台缺号）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="565"/>
        <source>Laptop exports</source>
        <translation>检查员导出文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="566"/>
        <source>Yanshou export (*.yanshou *.db)</source>
        <translation>验收导出文件 (*.yanshou *.db)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="348"/>
        <source>Export for the laptops</source>
        <translation>导出给笔记本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="230"/>
        <source>The database holds what Yanshou did not make (edited outside Yanshou): run yanshou verify</source>
        <translation>数据库中有验收软件未创建的内容（在软件之外被修改过）：请运行 yanshou verify 检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="359"/>
        <source>Exported to {0}: {1} versions, {2} evidence files, read back and verified.</source>
        <translation>已导出到 {0}：{1} 个版本、{2} 份证据，已回读核验。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="572"/>
        <source>USB folder with exports</source>
        <translation>存放导出文件的U盘文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="583"/>
        <source>No exports (.yanshou or .db files) in {0} or its subfolders.</source>
        <translation>{0} 及其子文件夹中没有导出文件（.yanshou 或 .db）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="603"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="611"/>
        <source>Saved {0}</source>
        <translation>已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="623"/>
        <source>Score sheet</source>
        <translation>得分表</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/window.py" line="624"/>
        <source>Score sheets (*.csv *.xlsx)</source>
        <translation>得分表 (*.csv *.xlsx)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/results_tab.py" line="52"/>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/results_tab.py" line="55"/>
        <source>Adjustment</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/results_tab.py" line="56"/>
        <source>Total</source>
        <translation>加权总分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/results_tab.py" line="57"/>
        <source>Grade</source>
        <translation>等次</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/results_tab.py" line="58"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="19"/>
        <source>Due</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="20"/>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="21"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="22"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="35"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="37"/>
        <source>overdue by {0} days</source>
        <translation>已逾期 {0} 天</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="39"/>
        <source>past, {0} days ago</source>
        <translation>已过 {0} 天</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="41"/>
        <source>due today</source>
        <translation>今天到期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="43"/>
        <source>in {0} days</source>
        <translation>还有 {0} 天</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="46"/>
        <source>{0} of {1} counties</source>
        <translation>{0}/{1} 个县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/timeline_tab.py" line="48"/>
        <source>{0} of {1} problems rectified</source>
        <translation>已整改 {0}/{1} 个问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="21"/>
        <source>Every merge and dry run is kept in the master database. Choose one to see its report.</source>
        <translation>每次合并和预检都保存在主库中。选择一项查看其报告。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="32"/>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="73"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="33"/>
        <source>Files</source>
        <translation>文件数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="34"/>
        <source>Merged</source>
        <translation>已合并</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="35"/>
        <source>Refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="62"/>
        <source>dry run</source>
        <translation>预检</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/history_tab.py" line="63"/>
        <source>merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="72"/>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="76"/>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="116"/>
        <source>Mode</source>
        <translation>检查方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="78"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="79"/>
        <source>Fields in question</source>
        <translation>有分歧的字段</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="111"/>
        <source>{0} open conflicts, {1} of them hard. Hard: the same field was changed two ways, the later one is shown until you keep one. Soft: different fields, merged; listed so you can check.</source>
        <translation>共 {0} 个未解决的冲突，其中 {1} 个为硬冲突。硬冲突：同一字段被改成不同的值，在您选定之前显示较晚的一个。软冲突：修改了不同字段，已自动合并，列出供核对。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="121"/>
        <source>hard</source>
        <translation>硬冲突</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="122"/>
        <source>soft</source>
        <translation>软冲突</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="148"/>
        <source>Choose a conflict above to see its versions.</source>
        <translation>请在上方选择一项冲突，查看其各个版本。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="156"/>
        <source>{0} {1}, {2}: {3} versions</source>
        <translation>{0} {1}，{2}：{3} 个版本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="180"/>
        <source>Keep {0}&apos;s…</source>
        <translation>保留 {0} 的版本…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="192"/>
        <source>Keep this version</source>
        <translation>保留此版本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="193"/>
        <source>Keep the version of {0} for {1} {2}? The other versions stay in the record&apos;s history.

Why this one:</source>
        <translation>保留 {0} 的版本作为 {1} {2} 的结果？其他版本仍保留在记录的历史中。

选择此版本的理由：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="201"/>
        <source>A resolution needs a reason.</source>
        <translation>裁决冲突须写明理由。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="173"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/conflicts_tab.py" line="175"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="73"/>
        <source>Indicator / inspector</source>
        <translation>指标 / 检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="74"/>
        <source>Counted</source>
        <translation>计分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="104"/>
        <source>{0}  nothing compared</source>
        <translation>{0}  无可比对项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="73"/>
        <source>Mean spread by first-level indicator (points)</source>
        <translation>各一级指标的平均评分差距（分）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="106"/>
        <source>{0}  {1} items, {2} flagged, largest {3}</source>
        <translation>{0}  {1} 项，超阈值 {2}，最大 {3}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="109"/>
        <source>{0}  {1} items, largest {2}</source>
        <translation>{0}  {1} 项，最大 {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="171"/>
        <source>Flag a spread of</source>
        <translation>差距达到</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="177"/>
        <source>a third of the item&apos;s points</source>
        <translation>该项分值的三分之一</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="178"/>
        <source> points</source>
        <translation> 分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="180"/>
        <source>A row is flagged when its spread (highest score minus lowest) reaches this. Stepped below 0, the default: a third of each item&apos;s points.</source>
        <translation>差距（最高分减最低分）达到此值即标记。调到 0 以下即为默认值：各项分值的三分之一。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="184"/>
        <source>Adjudicate…</source>
        <translation>裁定…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="197"/>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="75"/>
        <source>Points</source>
        <translation>分值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="198"/>
        <source>Scores</source>
        <translation>各检查员评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="199"/>
        <source>Spread</source>
        <translation>差距</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="200"/>
        <source>Flag at</source>
        <translation>标记阈值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="202"/>
        <source>Adjudicated</source>
        <translation>裁定得分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="218"/>
        <source>How far each inspector&apos;s scores sit from the others&apos; mean (difference above 0: higher than the others)</source>
        <translation>各检查员评分与他人平均分的偏离（平均差值大于 0：评分偏高）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="225"/>
        <source>Items compared</source>
        <translation>比对项数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="226"/>
        <source>Mean distance</source>
        <translation>平均偏差</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="227"/>
        <source>Mean difference</source>
        <translation>平均差值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="228"/>
        <source>Flagged</source>
        <translation>超阈值项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="305"/>
        <source>No item of any county is scored by two or more inspectors yet.</source>
        <translation>尚无由两名及以上检查员评分的县区指标项。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="307"/>
        <source>{0} county items scored by two or more inspectors; {1} flagged, {2} of them adjudicated.</source>
        <translation>{0} 个县区指标项由两名及以上检查员评分；{1} 项差距超阈值，其中 {2} 项已裁定。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="328"/>
        <source>flagged, adjudicated</source>
        <translation>超阈值，已裁定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="330"/>
        <source>flagged</source>
        <translation>超阈值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/agreement_tab.py" line="138"/>
        <source>{0} {1}: {2} against the others&apos; mean of {3}</source>
        <translation>{0} {1} 分，与其他检查员平均分 {3} 相差 {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="76"/>
        <source>Findings, reasoning, evidence</source>
        <translation>检查发现、评分说明、证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="87"/>
        <source>History of this score…</source>
        <translation>此评分的历史…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="100"/>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="134"/>
        <source>Choose an item to see its evidence.</source>
        <translation>选择一个指标以查看其佐证材料。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="103"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="114"/>
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="143"/>
        <source>taken {0}</source>
        <translation>拍摄于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="144"/>
        <source>no capture time</source>
        <translation>无拍摄时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="146"/>
        <source>attached {0}</source>
        <translation>添加于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="154"/>
        <source>Evidence of {0}: {1}</source>
        <translation>{0}的佐证材料：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="155"/>
        <source>No evidence of {0}.</source>
        <translation>{0}没有佐证材料。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="238"/>
        <source>unscored</source>
        <translation>未评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="243"/>
        <source>adjudicated: {0}</source>
        <translation>已裁定：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="245"/>
        <source>{0} problems</source>
        <translation>{0} 个问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="247"/>
        <source>in conflict: see Conflicts</source>
        <translation>存在冲突：见“冲突”页</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="255"/>
        <source>reasoning: {0}</source>
        <translation>评分说明：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="257"/>
        <source>{0} evidence</source>
        <translation>{0} 个证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/lead/detail_tab.py" line="267"/>
        <source>{0}/{1} items scored</source>
        <translation>已评 {0}/{1} 项</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="109"/>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="123"/>
        <source>Cannot open the database</source>
        <translation>无法打开数据库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="180"/>
        <source>edit of item {0}</source>
        <translation>指标 {0} 的修改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="243"/>
        <source>Yanshou — {0} — {1}</source>
        <translation>验收 — {0} — {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="272"/>
        <source>County</source>
        <translation>县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="280"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="284"/>
        <source>All items</source>
        <translation>全部指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="285"/>
        <source>Not scored</source>
        <translation>未评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="286"/>
        <source>With problems</source>
        <translation>有问题的指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="287"/>
        <source>Without evidence</source>
        <translation>无证据的指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="319"/>
        <source>Evidence of the item</source>
        <translation>本项证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="320"/>
        <location filename="../../desktop/ui/main_window.py" line="1065"/>
        <location filename="../../desktop/ui/main_window.py" line="1085"/>
        <source>Photo inbox</source>
        <translation>照片收件箱</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="341"/>
        <source>(no inspector)</source>
        <translation>（无检查员）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="342"/>
        <source>Device {0} · Inspector {1}</source>
        <translation>设备 {0} · 检查员 {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="347"/>
        <source>Key {0}</source>
        <translation>密钥 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="383"/>
        <source>Inspection</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="387"/>
        <source>◀ Previous item</source>
        <translation>◀ 上一项</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="390"/>
        <source>Next item ▶</source>
        <translation>下一项 ▶</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/undo.py" line="88"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/undo.py" line="92"/>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="400"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="409"/>
        <source>Sign the record…</source>
        <translation>签字确认…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="413"/>
        <source>Print the record…</source>
        <translation>打印检查记录…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="417"/>
        <source>Export to USB stick…</source>
        <translation>导出到U盘…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="421"/>
        <source>Deleted…</source>
        <translation>已删除…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="426"/>
        <source>中文 / English</source>
        <translation>中文 / English</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="483"/>
        <source>No item matches this filter.</source>
        <translation>没有符合此筛选的条目。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="704"/>
        <source>Record not signed</source>
        <translation>记录未签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="706"/>
        <source>Record signed</source>
        <translation>记录已签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="708"/>
        <source>Changed since signed: sign again</source>
        <translation>签字后已修改，需重新签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="710"/>
        <source>Partly signed</source>
        <translation>部分签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="768"/>
        <source>Unsaved changes…</source>
        <translation>有未保存的修改…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="787"/>
        <location filename="../../desktop/ui/main_window.py" line="829"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="907"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="909"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="913"/>
        <source>NOT SAVED</source>
        <translation>未保存！</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="914"/>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="966"/>
        <source>Problem found</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="189"/>
        <source>A problem needs a description.</source>
        <translation>请填写问题描述。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="931"/>
        <source>edit of a problem</source>
        <translation>修改问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="931"/>
        <source>new problem</source>
        <translation>新增问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="938"/>
        <source>deletion of a problem</source>
        <translation>删除问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="984"/>
        <source>{0}: not a readable picture; kept as a document</source>
        <translation>{0}：不是可读取的图片，已作为文件保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="989"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="997"/>
        <source>deletion of evidence</source>
        <translation>删除证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1004"/>
        <source>caption of evidence</source>
        <translation>修改证据说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1009"/>
        <source>deletion of a photo in the inbox</source>
        <translation>删除收件箱中的照片</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1052"/>
        <source>camera</source>
        <translation>拍照</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1064"/>
        <source>Importing photos from {0}…</source>
        <translation>正在从 {0} 导入照片…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1064"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1077"/>
        <source>{0} photos imported into the inbox.</source>
        <translation>已将 {0} 张照片导入收件箱。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1080"/>
        <source>{0} were already among the evidence and were left out.</source>
        <translation>其中 {0} 张已在证据中，未重复导入。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1083"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1084"/>
        <source>Not imported:</source>
        <translation>未导入：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files.py" line="85"/>
        <source>master</source>
        <translation>主库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1119"/>
        <source>Export to USB stick</source>
        <translation>导出到U盘</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files.py" line="87"/>
        <source>Yanshou export (*.yanshou *.db)</source>
        <translation>验收导出文件 (*.yanshou *.db)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1125"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1126"/>
        <source>Exported to {0}: export no. {1}, {2} versions, {3} evidence files, read back and verified.</source>
        <translation>已导出到 {0}：第 {1} 次导出，{2} 条记录版本，{3} 个证据文件，已回读校验。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1140"/>
        <source>Language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1141"/>
        <source>The window will be in English from the next start.</source>
        <translation>下次启动时界面将切换为英文。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1142"/>
        <source>The window will be in Chinese from the next start.</source>
        <translation>下次启动时界面将切换为中文。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="1150"/>
        <source>The database is damaged</source>
        <translation>数据库已损坏</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../desktop/ui/messages.py" line="21"/>
        <source>This file is not a Yanshou database.</source>
        <translation>该文件不是验收软件的数据库。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="22"/>
        <source>This database was made by a newer version of Yanshou. Please update the program.</source>
        <translation>该数据库由更新版本的验收软件创建，请升级本程序。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="25"/>
        <source>This database file is damaged. Use the latest export or backup.</source>
        <translation>数据库文件已损坏，请使用最近的导出文件或备份。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="26"/>
        <source>The database is being used by another program. Close it and try again.</source>
        <translation>数据库正被其他程序使用，请关闭后重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="27"/>
        <source>The disk is full; nothing was written. Free some space and try again.</source>
        <translation>磁盘已满，未写入任何内容。请清理空间后重试。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="33"/>
        <source>This computer does not hold the key of this database (was it copied from another laptop?). Create a new database for this laptop.</source>
        <translation>本机没有该数据库的签名密钥（是否从其他电脑复制而来？）。请为本机新建数据库。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="38"/>
        <source>This database was never set up.</source>
        <translation>该数据库尚未初始化。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="66"/>
        <source>This is not a database address Yanshou knows. A master on a server is postgresql://user@host/database.</source>
        <translation>这不是验收程序认识的数据库地址。服务器上的汇总库地址形如 postgresql://用户@主机/数据库。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="195"/>
        <source>This change is not allowed on this computer; nothing was written. Lead&apos;s records are entered on the master.</source>
        <translation>此项修改不能在这台电脑上进行，未写入任何内容。组长的记录（自评、第三方评估、裁定、调整）请在汇总库中录入。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="72"/>
        <source>That conflict or version is no longer there; look at the list again.</source>
        <translation>该冲突或版本已不存在，请重新查看列表。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="39"/>
        <source>This database is encrypted: it opens with this computer&apos;s Yanshou passphrase.</source>
        <translation>此数据库已加密：需输入本机的验收口令才能打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="42"/>
        <source>That is not this computer&apos;s Yanshou passphrase.</source>
        <translation>口令不对，不是本机的验收口令。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="43"/>
        <source>This database is encrypted with another computer&apos;s key (or is not a database): open it on the computer that made it, and bring its work here as an export.</source>
        <translation>此数据库用另一台电脑的密钥加密（或不是数据库）：请在建立它的电脑上打开，并以导出文件把工作带到这里。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="58"/>
        <source>The system&apos;s protected store (Credential Manager) cannot be reached now. Log in again and try again.</source>
        <translation>现在无法访问系统的受保护存储（凭据管理器）。请重新登录后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="61"/>
        <source>This database is on a network share, where it cannot be kept safe. Keep it on this computer&apos;s disk; a master that several leads share belongs on a PostgreSQL server.</source>
        <translation>此数据库位于网络共享上，无法保证安全。请把它放在本机磁盘上；多位组长共用的汇总库请放在 PostgreSQL 服务器上。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="69"/>
        <source>This change breaks a rule of the inspection&apos;s records; nothing was written.</source>
        <translation>此项修改不符合验收记录的规则，未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="73"/>
        <source>More than one conflict or version starts like that.</source>
        <translation>有多个冲突或版本以此开头。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="74"/>
        <source>Only the lead&apos;s master database resolves conflicts.</source>
        <translation>只有组长主库可以解决冲突。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="75"/>
        <source>The conflict changed while you were deciding (a merge came in). Look at its versions again.</source>
        <translation>您决定期间该冲突已变化（有新的合并），请重新查看其版本。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="78"/>
        <source>There is nothing to resolve.</source>
        <translation>没有需要解决的冲突。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="79"/>
        <source>The database server cannot be reached. Check the network cable or Wi-Fi and the server address.</source>
        <translation>无法连接数据库服务器。请检查网线或无线网络，以及服务器地址。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="82"/>
        <source>The server refused the user name or password. Check the address, and the password in the .pgpass file.</source>
        <translation>服务器拒绝了用户名或密码。请检查地址，以及 .pgpass 文件中的密码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="85"/>
        <source>The server has no database of that name. Ask the server&apos;s administrator to create it.</source>
        <translation>服务器上没有该名称的数据库。请联系服务器管理员创建。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="88"/>
        <source>The database user lacks the rights this needs. Ask the server&apos;s administrator.</source>
        <translation>该数据库用户没有执行此操作所需的权限。请联系服务器管理员。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="91"/>
        <source>The database server accepts no changes just now (read-only).</source>
        <translation>数据库服务器当前不接受修改（只读）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="92"/>
        <source>This desk does not hold the master&apos;s signing key, so it cannot sign changes. Copy the key file from the desk that created the master into this computer&apos;s keys folder (see the README).</source>
        <translation>本机没有总库的签名密钥，无法签署修改。请从创建总库的电脑上把密钥文件复制到本机的密钥文件夹（见使用说明）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="97"/>
        <source>The database cannot be used.</source>
        <translation>该数据库无法使用。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="103"/>
        <location filename="../../desktop/ui/messages.py" line="382"/>
        <source>the file is not there (moved or removed?)</source>
        <translation>文件不存在（已移动或删除？）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="104"/>
        <source>this is a folder, not a file</source>
        <translation>这是文件夹，不是文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="105"/>
        <location filename="../../desktop/ui/messages.py" line="383"/>
        <source>the file cannot be read</source>
        <translation>文件无法读取</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="106"/>
        <source>the file is larger than the limit for evidence</source>
        <translation>文件超过证据大小上限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="107"/>
        <source>a problem needs a description</source>
        <translation>问题需要描述</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="108"/>
        <source>unknown severity</source>
        <translation>未知的严重程度</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="109"/>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="110"/>
        <source>outside the item&apos;s points</source>
        <translation>超出该指标的分值范围</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="111"/>
        <source>scores go in steps of 0.5</source>
        <translation>评分须为0.5的整数倍</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="112"/>
        <location filename="../../desktop/ui/messages.py" line="392"/>
        <source>this database has no inspector</source>
        <translation>该数据库没有检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="113"/>
        <source>the name holds invisible characters, line breaks or is too long</source>
        <translation>姓名含有不可见字符、换行或过长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="115"/>
        <source>a reason is required</source>
        <translation>需要填写理由</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="116"/>
        <source>only the lead&apos;s master database may do this</source>
        <translation>只有组长主库可以执行此操作</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="117"/>
        <source>marking a problem rectified needs evidence of the rectification</source>
        <translation>标记为已整改需要提供整改证明材料</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="118"/>
        <source>not a readable picture (kept as a document)</source>
        <translation>不是可读的图片（已作为文件保存）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="119"/>
        <source>already filed under an item (imported before)</source>
        <translation>已归入某一指标（此前导入过）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="120"/>
        <source>already in the inbox (imported before)</source>
        <translation>已在收件箱中（此前导入过）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="121"/>
        <source>the file cannot be written there</source>
        <translation>无法在该位置写入文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="122"/>
        <source>this kind of file is not opened from Yanshou; save it and check it first</source>
        <translation>此类文件不在验收程序中打开，请先保存并检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="123"/>
        <source>the file is open in another program: close it there, then try again</source>
        <translation>文件正被其他程序打开：请先在该程序中关闭，再重试</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="129"/>
        <source>the stored results differ from the signed versions (edited outside Yanshou); nothing was signed</source>
        <translation>存储的结果与签名记录不符（在验收程序之外被改动），未签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="132"/>
        <source>the database holds what Yanshou did not make (edited outside Yanshou); nothing was signed: run yanshou verify</source>
        <translation>数据库中有验收软件未创建的内容（在软件之外被修改过），未签字：请运行 yanshou verify 检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="135"/>
        <location filename="../../desktop/ui/messages.py" line="433"/>
        <source>the input is not valid</source>
        <translation>输入无效</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="149"/>
        <source>This is not a Yanshou recovery file (a laptop keeps one as keys\recovery-….bin).</source>
        <translation>这不是验收软件的恢复文件（笔记本将其保存为 keys\recovery-….bin）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="151"/>
        <source>This recovery file is sealed for another master: open it on the desk of the master that laptop merges into.</source>
        <translation>此恢复文件是为另一个汇总库加密的：请在该笔记本所合并的汇总库的组长电脑上打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="153"/>
        <source>This recovery file was changed, cut short or damaged: copy it from the laptop again.</source>
        <translation>此恢复文件已被改动、截断或损坏：请从笔记本重新复制。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="155"/>
        <source>This computer does not hold the master&apos;s private encryption key: open the recovery file on the desk that made the master.</source>
        <translation>本电脑没有该汇总库的私有加密密钥：请在创建该汇总库的组长电脑上打开此恢复文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="164"/>
        <source>This master has merged nothing from that laptop: make sure the one asking is its inspector.</source>
        <translation>本汇总库尚未合并过该笔记本的任何数据：请确认索要恢复码的人确是其检查员。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="167"/>
        <source>You revoked that laptop (lost or stolen): give the code only if it is back in its inspector&apos;s hands.</source>
        <translation>该笔记本已被吊销（遗失或被盗）：只有在它已回到其检查员手中时才告知恢复码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="178"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="181"/>
        <location filename="../../desktop/ui/messages.py" line="183"/>
        <source>{0}

{1}</source>
        <translation>{0}

{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="185"/>
        <source>{0}: the file cannot be read or written ({1})</source>
        <translation>{0}：文件无法读写（{1}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="188"/>
        <source>Something went wrong; the details were written to the error log.</source>
        <translation>操作未能完成，详细信息已写入错误日志。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="198"/>
        <source>Another inspector&apos;s records cannot be changed or deleted here; nothing was written.</source>
        <translation>不能在这里修改或删除其他检查员的记录，未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="201"/>
        <source>The value is not valid: a score goes from 0 to the item&apos;s points in steps of 0.5, and a status, county or item must be one of the campaign&apos;s. Nothing was written.</source>
        <translation>数值无效：评分须在 0 至该项满分之间，步长 0.5；状态、县区、指标须为本次验收所列。未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="206"/>
        <source>The text is too long (at most 5,000 characters) or holds control characters; nothing was written.</source>
        <translation>文字过长（最多 5000 字）或含有控制字符，未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="209"/>
        <source>The name holds invisible characters or line breaks, or is too long; nothing was written.</source>
        <translation>姓名含有不可见字符或换行，或过长，未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="212"/>
        <source>This computer&apos;s clock looks wrong; correct the date and time, then try again. Nothing was written.</source>
        <translation>这台电脑的时钟似乎不对，请校正日期和时间后重试。未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="215"/>
        <source>A problem&apos;s status moves one step at a time, by rule; this step is not allowed. Nothing was written.</source>
        <translation>问题状态须按规则逐步变更，不允许此操作，未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="224"/>
        <source>the file cannot be read (removed, a folder, or no permission)</source>
        <translation>文件无法读取（已拔出、是文件夹或无权限）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="225"/>
        <source>not a Yanshou file (empty, truncated or another program&apos;s)</source>
        <translation>不是验收软件的文件（为空、不完整或属于其他程序）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="226"/>
        <source>made by a newer Yanshou; update this program</source>
        <translation>由更新版本的验收软件创建，请升级本程序</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="227"/>
        <source>made by an older Yanshou; update that laptop and export again</source>
        <translation>由旧版本的验收软件创建，请升级该电脑后重新导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="228"/>
        <source>the file is damaged or was altered</source>
        <translation>文件已损坏或被改动</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="229"/>
        <source>its tables were changed outside Yanshou</source>
        <translation>其数据表在验收软件之外被改动</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="230"/>
        <source>it belongs to another campaign</source>
        <translation>属于其他验收方案</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="231"/>
        <source>not an export: export it from the laptop first</source>
        <translation>不是导出文件：请先在该电脑上导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="232"/>
        <source>its signed manifest does not match: altered after export</source>
        <translation>签名清单不符：导出后被改动</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="233"/>
        <source>the chain of its exports is broken</source>
        <translation>导出记录链不完整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="234"/>
        <source>the laptop&apos;s database was restored from an old copy; it needs a new one</source>
        <translation>该电脑的数据库是由旧副本恢复的，需要新建数据库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="235"/>
        <source>records were removed, added or changed after export</source>
        <translation>导出后有记录被删除、增加或改动</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="236"/>
        <source>the device&apos;s key does not match the one enrolled</source>
        <translation>设备密钥与已登记的不符</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="237"/>
        <source>from a device not yet accepted</source>
        <translation>来自尚未接受的设备</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="238"/>
        <source>a record does not match its signature: edited outside Yanshou</source>
        <translation>有记录与其签名不符：在验收软件之外被修改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="239"/>
        <source>earlier versions of a record are missing</source>
        <translation>缺少记录的早期版本</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="240"/>
        <source>the laptop reused record numbers (restored from an old copy?)</source>
        <translation>该电脑重复使用了记录编号（是否由旧副本恢复？）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="241"/>
        <source>a laptop signed a record it may not write</source>
        <translation>检查员电脑签署了其无权写入的记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="242"/>
        <source>a photo or document does not match its fingerprint</source>
        <translation>有照片或文件与其指纹不符</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="243"/>
        <source>the disk is full; nothing was written</source>
        <translation>磁盘已满，未写入任何内容</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="244"/>
        <source>records merged before were altered in this copy</source>
        <translation>此文件中已合并过的记录被改动过</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="246"/>
        <source>a kind of record Yanshou does not write</source>
        <translation>含有验收程序不会写入的记录类型</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="247"/>
        <source>a laptop wrote or deleted another inspector&apos;s record</source>
        <translation>检查电脑写入或删除了其他检查员的记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="248"/>
        <source>a laptop wrote a record only the lead may write</source>
        <translation>检查电脑写入了只有组长才能写入的记录</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="249"/>
        <source>a record&apos;s number does not match its contents</source>
        <translation>记录编号与其内容不符</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="250"/>
        <source>a version names another record&apos;s history</source>
        <translation>某一版本引用了其他记录的历史</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="251"/>
        <source>a record is spelled in a way Yanshou never writes</source>
        <translation>记录的写法不是验收程序的写法</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="252"/>
        <source>a text is too long or holds control characters</source>
        <translation>文字过长或含有控制字符</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="253"/>
        <source>a name holds invisible characters or is too long</source>
        <translation>姓名含有不可见字符或过长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="254"/>
        <source>a value is not valid (score, status, county or item)</source>
        <translation>数值无效（得分、状态、县区或指标）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="255"/>
        <source>a laptop&apos;s clock is far ahead; correct it and export again</source>
        <translation>检查电脑的时钟明显超前，请校正时间后重新导出</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="256"/>
        <source>a problem&apos;s status took a step its rules do not allow</source>
        <translation>问题状态的变更不符合整改规则</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="258"/>
        <source>from a device the lead revoked (lost or stolen): its later files are refused</source>
        <translation>来自组长已吊销的设备（丢失或被盗）：其后来的文件一律拒收</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="259"/>
        <source>sealed for other devices: this database cannot open it</source>
        <translation>为其他设备加密：本数据库无法打开</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="260"/>
        <source>a sealed file whose header is damaged</source>
        <translation>加密文件的文件头已损坏</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="261"/>
        <source>the sealed file was changed, cut short or damaged</source>
        <translation>加密文件被改动、截短或已损坏</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="262"/>
        <source>the sealed file is cut short: copy it again</source>
        <translation>加密文件不完整：请重新复制</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="263"/>
        <source>sealed by a newer Yanshou; update this program</source>
        <translation>由新版验收软件加密；请更新本程序</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="265"/>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="272"/>
        <source>the lead&apos;s master</source>
        <translation>组长汇总库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="279"/>
        <source>Sealed for {0}: nobody else can read it.</source>
        <translation>已为 {0} 加密：其他人无法读取。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="284"/>
        <source>NOT SEALED: this laptop has no key of the lead&apos;s master yet, so anyone holding the file can read it. Merge the lead&apos;s export for the laptops once, and the next exports are sealed.</source>
        <translation>未加密：本笔记本还没有组长汇总库的密钥，拿到此文件的任何人都能读取。合并一次组长给笔记本的导出后，以后的导出都会加密。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="289"/>
        <source>NOT SEALED: no enrolled laptop has sent its key yet, so anyone holding the file can read it. Each laptop&apos;s next export merged here brings its key.</source>
        <translation>未加密：已登记的笔记本都还没有送来密钥，拿到此文件的任何人都能读取。每台笔记本的下一次导出在此合并后即带来其密钥。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="294"/>
        <source>NOT SEALED, as asked: anyone holding the file can read it.</source>
        <translation>按要求未加密：拿到此文件的任何人都能读取。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="296"/>
        <source>{0} cannot open it yet: merge an export of each, then export again.</source>
        <translation>{0} 暂时无法打开：先合并其各自的导出，再重新导出。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="300"/>
        <source>Not sealed for the revoked {0}.</source>
        <translation>未为已吊销的 {0} 加密。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="308"/>
        <source>sealed</source>
        <translation>已加密</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="308"/>
        <source>NOT sealed</source>
        <translation>未加密</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="350"/>
        <source>Enter the place of inspection.</source>
        <translation>请填写检查地点。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="351"/>
        <source>The place of inspection must be one line.</source>
        <translation>检查地点只能写一行。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="352"/>
        <source>The place of inspection is too long (at most {0} characters).</source>
        <translation>检查地点太长（最多 {0} 个字）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="357"/>
        <source>An inspection of one county spans at most {0} days.</source>
        <translation>对一个县的检查最长 {0} 天。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="355"/>
        <source>A date of inspection is not a valid date.</source>
        <translation>检查日期不是有效日期。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="28"/>
        <source>A file is there that must not be written over: a laptop&apos;s or the master&apos;s own database (in the clear or encrypted), a folder, or a device. Nothing was written; choose another name for the export.</source>
        <translation>那里已有一个不能覆盖的文件：笔记本电脑或主库自己的数据库（明文或已加密）、文件夹或设备。没有写入任何内容；请给导出文件换一个名字。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="48"/>
        <source>The key that protects this computer&apos;s Yanshou files is no longer in the system&apos;s protected store (Credential Manager): the encrypted databases cannot be opened. The lead can read a recovery code from this laptop&apos;s recovery file (in its keys folder); without one, use an export.</source>
        <translation>保护本机验收文件的密钥已不在系统的受保护存储（凭据管理器）中：加密的数据库无法打开。负责人可以从本机的恢复文件（在密钥文件夹中）读出恢复码；没有恢复文件时，请使用导出文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="54"/>
        <source>That recovery code does not open this computer&apos;s files: it was read from another laptop&apos;s recovery file.</source>
        <translation>这个恢复码打不开本机的文件：它是从另一台笔记本的恢复文件读出的。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="57"/>
        <source>That recovery code has a typing mistake. Check it and type it again.</source>
        <translation>恢复码有输入错误，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="114"/>
        <source>the lead&apos;s master writes in this name; give the inspector&apos;s own</source>
        <translation>这是组长主库记录组长本人材料时使用的名称，请填写检查员本人的姓名</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="124"/>
        <source>that file is a database or an export (in the clear or encrypted): writing over it would lose it; choose another name</source>
        <translation>该文件是数据库或导出文件（明文或已加密）：覆盖它会使其丢失；请换一个名字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="128"/>
        <source>this is a device or a pipe, not a file; choose a file</source>
        <translation>这是设备或管道，不是文件；请选择一个文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="356"/>
        <source>The last day of inspection is before the first.</source>
        <translation>检查结束日期早于开始日期。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="384"/>
        <source>the file is neither UTF-8, GB18030/GBK nor UTF-16 text; save it from Excel as CSV or as Unicode text</source>
        <translation>文件既不是 UTF-8、GB18030/GBK，也不是 UTF-16 文本；请在 Excel 中另存为“CSV (逗号分隔)”或“Unicode 文本”</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="387"/>
        <source>the file&apos;s text is damaged (its encoding mark does not match its contents)</source>
        <translation>文件的文本已损坏（编码标记与内容不符）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="390"/>
        <source>the result must be 符合, 基本符合, 不符合 or 未检查</source>
        <translation>结果须为“符合”“基本符合”“不符合”或“未检查”</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="391"/>
        <source>the campaign has no such method</source>
        <translation>本次验收没有这种验收方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="393"/>
        <source>this laptop belongs to another inspector</source>
        <translation>这台笔记本属于另一位检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="394"/>
        <source>unknown county</source>
        <translation>未知的县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="395"/>
        <source>unknown item</source>
        <translation>未知的指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="396"/>
        <source>the score is not a number</source>
        <translation>分数不是数字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="397"/>
        <source>the score is out of range</source>
        <translation>分数超出范围</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="398"/>
        <source>the score is not a multiple of 0.5</source>
        <translation>分数须为0.5的整数倍</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="399"/>
        <source>the score has more than 2 decimal places</source>
        <translation>分数超过2位小数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="400"/>
        <source>the score is empty</source>
        <translation>分数为空</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="401"/>
        <source>the cell holds an invisible control character</source>
        <translation>单元格含有不可见的控制字符</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="402"/>
        <source>the row has too many columns</source>
        <translation>该行的列数过多</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="403"/>
        <source>the file is too large to be read</source>
        <translation>文件过大，无法读取</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="404"/>
        <source>this is a device or a pipe, not a file</source>
        <translation>这是设备或管道，不是文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="405"/>
        <source>the text is too long</source>
        <translation>文字过长</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="406"/>
        <source>the header lacks a column</source>
        <translation>表头缺少列</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="407"/>
        <source>a column that does not belong in this sheet</source>
        <translation>本表不应有的列</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="408"/>
        <source>an unknown column</source>
        <translation>未知的列</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="409"/>
        <source>a column appears twice</source>
        <translation>列名重复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="410"/>
        <source>the same county (and item) appears twice</source>
        <translation>同一县区（及指标）出现两次</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="411"/>
        <source>the row is empty</source>
        <translation>该行为空</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="412"/>
        <source>the sheet has no rows</source>
        <translation>表中没有数据行</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="413"/>
        <source>the sheet has too many rows</source>
        <translation>表的行数过多</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="414"/>
        <source>the file is not a well-formed CSV (a quotation mark left open?)</source>
        <translation>文件不是格式正确的 CSV（是否有引号未闭合？）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="415"/>
        <source>the file cannot be read as XLSX</source>
        <translation>无法作为XLSX读取</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="416"/>
        <source>the workbook opens on a hidden sheet: open the sheet to import in Excel or WPS, save, then import again</source>
        <translation>工作簿打开时显示的是隐藏的工作表：请在 Excel 或 WPS 中打开要导入的工作表，保存后再导入</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="419"/>
        <source>the row is hidden (or filtered out) in the sheet: show it or delete it in Excel or WPS, save, then import again</source>
        <translation>该行在表中被隐藏（或被筛选掉）：请在 Excel 或 WPS 中取消隐藏或删除该行，保存后重新导入</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="422"/>
        <source>the column is hidden in the sheet: show it or delete it in Excel or WPS, save, then import again</source>
        <translation>该列在表中被隐藏：请在 Excel 或 WPS 中取消隐藏或删除该列，保存后重新导入</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="425"/>
        <source>a formula whose value was never computed (the file was written by a program that does not calculate): open it in Excel or WPS, save, then import again</source>
        <translation>单元格中的公式从未计算出结果（该文件由不计算公式的程序生成）：请用 Excel 或 WPS 打开并保存后重新导入</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="429"/>
        <source>a value under no column of the header: a decimal comma (write 86.9, not 86,9) or a cell out of place</source>
        <translation>该单元格的值不在表头的任何一列之下：可能是小数点写成了逗号（应写 86.9，而不是 86,9），或单元格错位</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="432"/>
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="452"/>
        <source>The problem is in this status already.</source>
        <translation>该问题已处于此状态。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="453"/>
        <source>Only an open problem is marked rectified; reopen it first, with a reason.</source>
        <translation>只有待整改的问题才能标记为已整改；请先填写理由退回整改。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="456"/>
        <source>Only a rectified problem is verified: it must be marked rectified first, with evidence or a written account.</source>
        <translation>只有已整改的问题才能核实：须先凭整改佐证或书面说明标记为已整改。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="459"/>
        <source>Marking a problem rectified needs evidence of the rectification (a file) or a written account.</source>
        <translation>标记为已整改需要整改佐证（文件）或书面说明。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="462"/>
        <source>Only the lead does this, on the master: verifying a rectification, and reopening a verified problem.</source>
        <translation>此操作只能由组长在汇总库上进行：核实整改，以及退回已核实的问题。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="465"/>
        <source>Reopening a problem needs a reason.</source>
        <translation>退回整改需要填写理由。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="466"/>
        <source>A new problem is open.</source>
        <translation>新记录的问题为待整改状态。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="467"/>
        <source>This status is unknown to this program.</source>
        <translation>本程序不认识此状态。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="468"/>
        <source>This step is not allowed.</source>
        <translation>不允许此操作。</translation>
    </message>
</context>
<context>
    <name>ModePage</name>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="108"/>
        <source>Result:</source>
        <translation>检查结果：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="118"/>
        <source>Pilot area:</source>
        <translation>试点领域：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="128"/>
        <source>What was found in this mode: what was seen, heard or checked, and where.</source>
        <translation>本方式下的检查发现：看到、听到或核查的情况及地点。</translation>
    </message>
</context>
<context>
    <name>Operations</name>
    <message>
        <location filename="../../desktop/ui/operations.py" line="248"/>
        <source>Finishing what is being written; the window closes by itself when it is done…</source>
        <translation>正在完成写入，完成后窗口会自行关闭…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/operations.py" line="249"/>
        <source>Close without waiting…</source>
        <translation>不等写完，直接关闭…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/operations.py" line="259"/>
        <source>Close without waiting</source>
        <translation>不等写完，直接关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/operations.py" line="260"/>
        <source>What is being written now may not be kept: if it has not finished when the database closes, it is undone, and nothing is left half-written. Close the window anyway?</source>
        <translation>正在写入的内容可能不会保留：如果数据库关闭时还没写完，这次写入会被撤销，不会留下写了一半的数据。仍要关闭窗口吗？</translation>
    </message>
</context>
<context>
    <name>PadDialog</name>
    <message>
        <location filename="../../desktop/ui/signature.py" line="137"/>
        <source>Sign as {0}</source>
        <translation>以{0}身份签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="142"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="145"/>
        <source>e.g. 县政府办公室副主任</source>
        <translation>如：县政府办公室副主任</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="147"/>
        <source>Post</source>
        <translation>职务</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="149"/>
        <source>Sign in the box with the pen or the mouse:</source>
        <translation>请用手写笔或鼠标在框内签字：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="153"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="161"/>
        <source>Please enter the signer&apos;s name.</source>
        <translation>请填写签字人姓名。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="164"/>
        <source>The signature box is empty.</source>
        <translation>签字框为空。</translation>
    </message>
</context>
<context>
    <name>ProblemDialog</name>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="158"/>
        <source>Problem found</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="161"/>
        <source>What is wrong, and what must be rectified</source>
        <translation>存在什么问题，需要如何整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="169"/>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="170"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="171"/>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="198"/>
        <source>Discard what you have written about this problem?</source>
        <translation>放弃为此问题填写的内容？</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="145"/>
        <source>Recovery code</source>
        <translation>恢复码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="146"/>
        <source>If the lead gave you this laptop&apos;s recovery code, type it here (the groups of four letters and digits, spaces or not).</source>
        <translation>如果负责人已给您本机的恢复码，请在此输入（四个字母或数字一组，可带空格）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="149"/>
        <source>Recovery code:</source>
        <translation>恢复码：</translation>
    </message>
</context>
<context>
    <name>ScoreField</name>
    <message>
        <location filename="../../desktop/ui/score_field.py" line="57"/>
        <source>{0} is not a score here ({1}): the score was left as it was</source>
        <translation>{0} 不是这里允许的分数（{1}）：分数保持原样，未保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/score_field.py" line="66"/>
        <source>{0}–{1}, in steps of 0.5</source>
        <translation>{0}–{1}，步长 0.5</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/score_field.py" line="87"/>
        <source>Scores here are {0}</source>
        <translation>本项得分须为 {0}</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../desktop/ui/search.py" line="41"/>
        <source>Item</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="42"/>
        <source>Finding</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="43"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="44"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="45"/>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="53"/>
        <source>photo inbox</source>
        <translation>照片收件箱</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="62"/>
        <source> · </source>
        <translation> · </translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="68"/>
        <source>Item {0}: {1}</source>
        <translation>指标 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="71"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="72"/>
        <source>{0} · {1}: {2}</source>
        <translation>{0} · {1}：{2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="107"/>
        <source>Nothing found for “{0}”</source>
        <translation>没有找到“{0}”</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/search.py" line="134"/>
        <source>Search findings, problems, evidence, items, inspectors</source>
        <translation>搜索检查发现、问题、证据、指标、检查员</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="110"/>
        <location filename="../../desktop/ui/campaign_dialog.py" line="220"/>
        <source>Counties</source>
        <translation>县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="111"/>
        <location filename="../../desktop/ui/campaign_dialog.py" line="221"/>
        <source>Inspectors</source>
        <translation>检查人员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="112"/>
        <location filename="../../desktop/ui/campaign_dialog.py" line="222"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="113"/>
        <location filename="../../desktop/ui/campaign_dialog.py" line="223"/>
        <source>Grading rule</source>
        <translation>评定规则</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="114"/>
        <location filename="../../desktop/ui/campaign_dialog.py" line="224"/>
        <source>Timeline</source>
        <translation>时间安排</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="125"/>
        <source>minimum score for {0}</source>
        <translation>{0}最低分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="129"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="130"/>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="131"/>
        <source>pilot areas</source>
        <translation>试点领域</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="132"/>
        <source>share graded 优秀</source>
        <translation>优秀比例</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="133"/>
        <source>share graded 良好</source>
        <translation>良好比例</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="144"/>
        <source>{0} ({1}) holds {2} records of work: it cannot be removed, nor its code changed</source>
        <translation>{0}（{1}）已有 {2} 条检查记录，不能删除，也不能修改代码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="148"/>
        <source>the weights add up to {0} %; they must add up to 100 %</source>
        <translation>各方式权重之和为 {0} %，应为 100 %</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="152"/>
        <source>the shares of 优秀 and 良好 add up to {0} %, more than 100 %</source>
        <translation>优秀与良好比例之和为 {0} %，超过 100 %</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="157"/>
        <source>must be lower than the minimum for {0} ({1})</source>
        <translation>应低于{0}的最低分（{1}）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="160"/>
        <source>the grades run 优秀, 良好, 合格, each once</source>
        <translation>等次应依次为优秀、良好、合格，各一次</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="162"/>
        <source>must not be empty</source>
        <translation>不能为空</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="163"/>
        <source>“{0}” is not a code: letters and digits only, such as 341502</source>
        <translation>“{0}”不是有效代码：只能由字母和数字组成，如 341502</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="164"/>
        <source>“{0}” is used twice</source>
        <translation>“{0}”重复</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="165"/>
        <source>“{0}” is not one of the campaign&apos;s pilot areas</source>
        <translation>“{0}”不是本次验收的试点领域</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="166"/>
        <source>the campaign needs at least one county</source>
        <translation>至少需要一个县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="167"/>
        <source>must be from 0 to 100</source>
        <translation>应在 0 到 100 之间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="168"/>
        <source>at most two decimal places</source>
        <translation>最多两位小数</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="169"/>
        <source>the campaign has no such method</source>
        <translation>本次验收没有这种验收方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="170"/>
        <source>at least one score band is needed</source>
        <translation>至少需要一个分数段</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="171"/>
        <source>not a date of this campaign</source>
        <translation>不是有效的日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="172"/>
        <source>only the lead&apos;s master database changes the campaign settings</source>
        <translation>只有组长的主库才能修改验收设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="173"/>
        <source>not valid</source>
        <translation>无效</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="182"/>
        <source>row {0}, {1}</source>
        <translation>第 {0} 行，{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="184"/>
        <source>row {0}</source>
        <translation>第 {0} 行</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="188"/>
        <source>{0} — {1}</source>
        <translation>{0} — {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="191"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="206"/>
        <source>Campaign settings — {0}</source>
        <translation>验收设置 — {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="233"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="250"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="250"/>
        <location filename="../../desktop/ui/campaign_dialog.py" line="290"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="250"/>
        <source>Pilot areas</source>
        <translation>试点领域</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="255"/>
        <source>Add county</source>
        <translation>添加县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="258"/>
        <source>Remove county</source>
        <translation>删除县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="265"/>
        <source>A county that already has scores, findings or evidence cannot be removed, nor its code changed.</source>
        <translation>已有评分、检查情况或佐证材料的县区不能删除，也不能修改代码。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="270"/>
        <source>Pilot areas of the selected county</source>
        <translation>所选县区的试点领域</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="287"/>
        <source>The members of the working group, as their names appear on the signed records.</source>
        <translation>检查组成员，姓名与签字的检查记录表一致。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="290"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="296"/>
        <source>Add inspector</source>
        <translation>添加检查人员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="299"/>
        <source>Remove inspector</source>
        <translation>删除检查人员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="312"/>
        <source>Each method&apos;s score (out of 100) counts in the weighted total with its weight; the weights add up to 100 %.</source>
        <translation>各验收方式的得分（满分 100）按权重计入加权总分，权重之和应为 100 %。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="326"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="334"/>
        <source>By proportion: a share of the counties, in rank order</source>
        <translation>按比例：按名次依次评定一定比例的县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="336"/>
        <source>By score bands: the total&apos;s minimum for each grade; below all of them 不合格</source>
        <translation>按分数段：各等次的最低总分，低于合格线为不合格</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="349"/>
        <source>Top share graded 优秀</source>
        <translation>名次靠前评为优秀的比例</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="350"/>
        <source>Next share graded 良好</source>
        <translation>其次评为良好的比例</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="351"/>
        <source>The rest are graded 合格; counties tied at a boundary all get the better grade.</source>
        <translation>其余为合格；在分界处总分相同的县区均评为较高等次。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="366"/>
        <source>Minimum score for {0}</source>
        <translation>{0}最低分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="376"/>
        <source>What is due by when; the desk shows what is due and overdue against these dates.</source>
        <translation>各项工作的截止日期；工作台据此显示到期和逾期事项。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/campaign_dialog.py" line="485"/>
        <source>… and {0} more</source>
        <translation>…… 另有 {0} 个问题</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../desktop/ui/setup.py" line="42"/>
        <source>Welcome to Yanshou</source>
        <translation>欢迎使用验收软件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="45"/>
        <source>Three questions before the first inspection. The answers can be seen later in the status bar.</source>
        <translation>开始检查前请回答三个问题，之后可在状态栏中查看。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="50"/>
        <source>An inspector&apos;s laptop</source>
        <translation>检查员的笔记本电脑</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="53"/>
        <source>The team lead&apos;s master database</source>
        <translation>组长的主库</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="60"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="63"/>
        <source>Your name, as it will appear on the signed record</source>
        <translation>您的姓名，将显示在签字的检查记录上</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="64"/>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="67"/>
        <source>The built-in campaign: Lu&apos;an 2018 (六政办秘〔2018〕177号)</source>
        <translation>内置验收方案：六安市2018年试点验收（六政办秘〔2018〕177号）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="69"/>
        <source>A campaign file from the team lead:</source>
        <translation>组长提供的验收方案文件：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="72"/>
        <location filename="../../desktop/ui/setup.py" line="87"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="84"/>
        <source>Campaign</source>
        <translation>验收方案</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="92"/>
        <location filename="../../desktop/ui/setup.py" line="120"/>
        <source>Database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="94"/>
        <source>For a province-wide round, the lead&apos;s master may live on a PostgreSQL server: enter its address instead, e.g. postgresql://user@host/database (the password in ~/.pgpass).</source>
        <translation>全省范围的验收，组长总库可放在 PostgreSQL 服务器上：请在此填写服务器地址，例如 postgresql://用户@主机/数据库（密码保存在 ~/.pgpass 中）。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="114"/>
        <source>Campaign file</source>
        <translation>验收方案文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="114"/>
        <source>Campaign (*.toml)</source>
        <translation>验收方案 (*.toml)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="120"/>
        <source>Yanshou database (*.db)</source>
        <translation>验收数据库 (*.db)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="128"/>
        <source>Please enter your name.</source>
        <translation>请填写您的姓名。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="133"/>
        <source>Please choose the campaign file.</source>
        <translation>请选择验收方案文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="142"/>
        <source>Only the lead&apos;s master can live on a server; an inspector&apos;s laptop keeps a file.</source>
        <translation>只有组长总库可以放在服务器上；检查员的笔记本使用本地数据库文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/setup.py" line="168"/>
        <source>Creating the database…</source>
        <translation>正在创建数据库…</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <location filename="../../desktop/ui/signature.py" line="190"/>
        <source>Signatures — {0}</source>
        <translation>签字确认 — {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="193"/>
        <source>The record of {0} is signed by the inspector and by the head of the inspected unit. After any change it must be signed again.</source>
        <translation>{0}的检查记录由检查员和被检查单位负责人签字确认。记录修改后须重新签字。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="199"/>
        <source>Reading the record…</source>
        <translation>正在读取检查记录…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="216"/>
        <source>Sign…</source>
        <translation>签字…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="228"/>
        <source>Place and dates of inspection (printed on the record as entered)</source>
        <translation>检查地点和检查日期（按填写内容打印在记录表上）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="233"/>
        <source>e.g. 金安区政务服务中心</source>
        <translation>例如：金安区政务服务中心</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="234"/>
        <source>Place of inspection</source>
        <translation>检查地点</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="238"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="241"/>
        <source>Dates of inspection</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="243"/>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="247"/>
        <source>Save place and dates</source>
        <translation>保存地点和日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="287"/>
        <source>Not saved yet</source>
        <translation>尚未保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="289"/>
        <source>Not entered: the record prints 未填写</source>
        <translation>未填写：记录表将打印“未填写”</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="291"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="315"/>
        <source>place and dates of inspection</source>
        <translation>检查地点和日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="332"/>
        <source>The place and dates of inspection you typed are not saved. Close and discard them?</source>
        <translation>填写的检查地点和日期尚未保存。关闭并放弃？</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="351"/>
        <source>Being signed: {0} of {1} items scored, {2} of {3} points; {4} problems; {5} evidence files.</source>
        <translation>本次签字的内容：已评分 {0}/{1} 项，计 {2}/{3} 分；问题 {4} 个；证据 {5} 份。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="356"/>
        <source>{0} items are not scored yet.</source>
        <translation>尚有 {0} 项未评分。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="369"/>
        <source>Not signed</source>
        <translation>未签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="371"/>
        <source>Signed by {0}, {1}</source>
        <translation>{0} 已于 {1} 签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="373"/>
        <source>Record changed since {0} signed: sign again</source>
        <translation>{0}签字后记录已修改，需重新签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="378"/>
        <source>Save the place and dates of inspection first: the signature signs them.</source>
        <translation>请先保存检查地点和日期：签字也确认这些内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="383"/>
        <source>The place and dates of inspection are not entered: the record prints 未填写. Sign all the same?</source>
        <translation>尚未填写检查地点和日期，记录表将打印“未填写”。仍然签字？</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="388"/>
        <source>{0} of the {1} items are not scored. Sign the record as it is?</source>
        <translation>{1} 项中有 {0} 项未评分。仍按现状签字吗？</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="93"/>
        <source>Yanshou passphrase</source>
        <translation>验收口令</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="95"/>
        <source>This computer has no protected store for Yanshou&apos;s key. Choose a passphrase: it protects this computer&apos;s databases and keys, and is asked each time Yanshou starts. Without it they cannot be opened.</source>
        <translation>本机没有可存放验收密钥的受保护存储。请设定一个口令：它保护本机的数据库和密钥，每次启动验收时都会询问。没有它，这些文件无法打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="99"/>
        <source>This computer&apos;s Yanshou passphrase opens {0}: its keys, and the file where it is encrypted.</source>
        <translation>打开 {0} 需要本机的验收口令：它保护本机的密钥，以及加密存放的数据库文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="107"/>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="111"/>
        <source>Again:</source>
        <translation>再输一次：</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="123"/>
        <location filename="../../desktop/ui/unlock.py" line="136"/>
        <source>A passphrase has at least 8 characters.</source>
        <translation>口令至少 8 个字符。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="126"/>
        <source>The two passphrases differ. Type them again.</source>
        <translation>两次输入的口令不一致，请重新输入。</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/unlock.py" line="132"/>
        <source>That is not this computer&apos;s Yanshou passphrase. Try again, or cancel.</source>
        <translation>口令不对，不是本机的验收口令。请重试，或取消。</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="56"/>
        <source>Briefing</source>
        <translation>听取汇报</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="57"/>
        <source>Materials</source>
        <translation>查看材料</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="58"/>
        <source>Website</source>
        <translation>网上检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="59"/>
        <source>On site</source>
        <translation>实地核查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="65"/>
        <source>Met</source>
        <translation>符合</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="66"/>
        <source>Partly met</source>
        <translation>基本符合</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="67"/>
        <source>Not met</source>
        <translation>不符合</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="68"/>
        <source>Not checked</source>
        <translation>未检查</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="74"/>
        <source>Minor</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="75"/>
        <source>Major</source>
        <translation>较重</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/item_view.py" line="76"/>
        <source>Serious</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="314"/>
        <location filename="../../desktop/ui/messages.py" line="364"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="315"/>
        <source>Reasoning</source>
        <translation>评分说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="316"/>
        <source>County</source>
        <translation>县区</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="317"/>
        <source>Item</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="173"/>
        <location filename="../../desktop/ui/messages.py" line="318"/>
        <source>Inspector</source>
        <translation>检查员</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="319"/>
        <source>Deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="320"/>
        <location filename="../../desktop/ui/messages.py" line="365"/>
        <source>Findings</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="321"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="322"/>
        <source>Pilot area</source>
        <translation>试点领域</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="323"/>
        <source>Mode</source>
        <translation>检查方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="324"/>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="325"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="326"/>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="327"/>
        <source>Caption</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="328"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="329"/>
        <source>Change of the total</source>
        <translation>总分调整值</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="330"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="331"/>
        <source>Written account</source>
        <translation>书面说明</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="332"/>
        <source>Rectification evidence</source>
        <translation>整改证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="333"/>
        <source>Found at</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="334"/>
        <source>Taken at</source>
        <translation>拍摄时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="335"/>
        <source>Attached at</source>
        <translation>添加时间</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="336"/>
        <source>Place (GPS)</source>
        <translation>位置（GPS）</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="337"/>
        <source>Total</source>
        <translation>总分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="338"/>
        <source>Method</source>
        <translation>评估方式</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="341"/>
        <source>Place of inspection</source>
        <translation>检查地点</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="342"/>
        <source>First day of inspection</source>
        <translation>检查开始日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="343"/>
        <source>Last day of inspection</source>
        <translation>检查结束日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="366"/>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="369"/>
        <source>Place and dates of inspection</source>
        <translation>检查地点和日期</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="373"/>
        <source>Campaign settings</source>
        <translation>验收设置</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="441"/>
        <source>open</source>
        <translation>待整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="442"/>
        <source>overdue</source>
        <translation>逾期未整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="443"/>
        <source>rectified</source>
        <translation>已整改</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="444"/>
        <source>verified</source>
        <translation>已核实</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="339"/>
        <location filename="../../desktop/ui/messages.py" line="367"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="340"/>
        <location filename="../../desktop/ui/messages.py" line="368"/>
        <source>Signature</source>
        <translation>签字</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="370"/>
        <source>Method score</source>
        <translation>方法得分</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="371"/>
        <source>Adjudication</source>
        <translation>裁定</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/messages.py" line="372"/>
        <source>Adjustment</source>
        <translation>调整</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/signature.py" line="174"/>
        <source>Head of the inspected unit</source>
        <translation>被检查单位负责人</translation>
    </message>
</context>
</TS>
