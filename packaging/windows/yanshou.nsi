; The Windows installer of 验收 Yanshou (NSIS 3, Unicode, MUI 2).
;
;   makensis -DVERSION=0.1.0 [-DBUNDLE=<dist\yanshou>] [-DOUTFILE=<...\yanshou-0.1.0-setup.exe>] packaging\windows\yanshou.nsi
;
; `make package-test` compiles it against the Linux bundle (proof that the script compiles);
; the release workflow builds the real one against the Windows bundle. Relative paths are
; relative to this folder (makensis changes into it).
;
; Per user, no administrator rights: the program goes to %LOCALAPPDATA%\Programs\Yanshou,
; shortcuts to the user's Start menu and desktop, the .yanshou file type and the uninstall
; entry to HKCU. The user's databases and device keys (%LOCALAPPDATA%\Yanshou) are the
; program's data, not the program: neither the installer nor the uninstaller ever touches them.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
; A dictionary large enough to hold both executables: they carry the same Python archive,
; which solid LZMA then stores once.
SetCompressorDictSize 64

!ifndef VERSION
  !error "pass the version: makensis -DVERSION=x.y.z yanshou.nsi"
!endif
!ifndef VERSION4
  ; VIProductVersion wants four numbers: a pre-release (0.2.0rc1, 0.2.0-beta.1) passes its
  ; numeric part as -DVERSION4=0.2.0.0 (the release workflow and smoke test compute it);
  ; a plain X.Y.Z gets a fourth 0 here.
  !define VERSION4 "${VERSION}.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\..\dist\yanshou"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\yanshou-${VERSION}-setup.exe"
!endif

!define APP "Yanshou"
!define APP_ZH "验收"
!define EXE "yanshou.exe"
!define PROGID "Yanshou.SyncFile"
!define EXT ".yanshou"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define SHORTCUT "${APP_ZH} ${APP}.lnk"
; SHChangeNotify(SHCNE_ASSOCCHANGED, SHCNF_IDLIST): Explorer rereads file types and icons.
!define NOTIFY_ASSOCIATIONS 'System::Call "shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)"'

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"

Name "${APP_ZH} ${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_ZH} ${APP} ${VERSION}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_ZH} ${APP}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_ZH} ${APP} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${APP}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Yanshou contributors"

!define MUI_ICON "yanshou.ico"
!define MUI_UNICON "yanshou.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "启动 ${APP_ZH}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  SetShellVarContext current
  ; The program is 64-bit Qt 6: Windows 10 or later, 64-bit. Said before anything is copied.
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP|MB_OK "${APP_ZH} 需要 64 位的 Windows 10 或更高版本；这台电脑是 32 位系统，无法安装。" /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP|MB_OK "${APP_ZH} 需要 Windows 10 或更高版本；请升级系统后再安装。" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

; The program must not be running while its files are replaced: a running yanshou.exe
; cannot be renamed (Windows holds it), which tells us, before anything is deleted.
!macro REFUSE_WHILE_RUNNING un
Function ${un}RefuseWhileRunning
  ${DoUntil} ${Errors}
    ClearErrors
    ${IfNot} ${FileExists} "$INSTDIR\${EXE}"
      Return
    ${EndIf}
    Rename "$INSTDIR\${EXE}" "$INSTDIR\${EXE}.check"
    ${IfNot} ${Errors}
      Rename "$INSTDIR\${EXE}.check" "$INSTDIR\${EXE}"
      Return
    ${EndIf}
    MessageBox MB_ICONEXCLAMATION|MB_RETRYCANCEL "${APP_ZH} 正在运行。请先保存并关闭所有 ${APP_ZH} 窗口，再点“重试”。" /SD IDCANCEL IDRETRY retry
    Abort
    retry:
    ClearErrors
  ${Loop}
FunctionEnd
!macroend
!insertmacro REFUSE_WHILE_RUNNING ""
!insertmacro REFUSE_WHILE_RUNNING "un."

Function un.onInit
  SetShellVarContext current
FunctionEnd

; The program's own files, by name: the uninstaller removes these and nothing else, so a
; folder chosen by hand (even one holding data) loses only what we put there.
!macro REMOVE_PROGRAM_FILES
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\yanshou.exe"
  Delete "$INSTDIR\yanshou-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
!macroend

Section "${APP_ZH}" SecProgram
  SectionIn RO
  Call RefuseWhileRunning
  SetOutPath "$INSTDIR"
  ; An update replaces the whole runtime: a library left over from the old version could
  ; be loaded in place of the new one.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortCut "$DESKTOP\${SHORTCUT}" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  ; .yanshou: a laptop's export for the lead; double-click opens it with the program.
  WriteRegStr HKCU "Software\Classes\${EXT}" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "${APP_ZH} 同步文件"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" '"$INSTDIR\${EXE}",0'
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  ${NOTIFY_ASSOCIATIONS}

  ; Apps & features: name, version, size, where the uninstaller is.
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_ZH} ${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\${EXE}",0'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  Call un.RefuseWhileRunning
  !insertmacro REMOVE_PROGRAM_FILES
  RMDir "$INSTDIR"  ; only if empty: never recursive on a folder the user may have chosen

  Delete "$SMPROGRAMS\${SHORTCUT}"
  Delete "$DESKTOP\${SHORTCUT}"

  ; The file type, if it is still ours (another install may have taken it over since).
  ReadRegStr $0 HKCU "Software\Classes\${PROGID}\shell\open\command" ""
  ${If} $0 == '"$INSTDIR\${EXE}" "%1"'
    DeleteRegKey HKCU "Software\Classes\${PROGID}"
    DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
    ReadRegStr $1 HKCU "Software\Classes\${EXT}" ""
    ${If} $1 == "${PROGID}"
      DeleteRegValue HKCU "Software\Classes\${EXT}" ""
    ${EndIf}
    DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
    DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}"
    ${NOTIFY_ASSOCIATIONS}
  ${EndIf}

  DeleteRegKey HKCU "${UNINSTALL_KEY}"

  ; The user's work stays: databases, photos and the device's signing key.
  DetailPrint "保留数据库：$LOCALAPPDATA\${APP}"
  DetailPrint "保留设备密钥：$LOCALAPPDATA\${APP}\keys"
SectionEnd
