"""Digital signatures on the printed records: PAdES with pyHanko, the device's own key.

A device has an ECDSA P-256 key (db/keys.py) and no certificate authority behind it, so
each signature carries a self-signed X.509 certificate made for the occasion: it names the
signer (the inspector, or the lead's desk) and the device, and holds the device's public
key — the key whose fingerprint the lead compared when enrolling the device. What a
reader can establish is therefore: the document is exactly what that key signed, and
which key it was. Whether that key is trusted is the enrolment's business, not the PDF's.

The visible field is in Chinese, in the page's font: pyHanko lays its text out with HarfBuzz
(its `opentype` extra). It is handed a small font made for the stamp (`stamp_font`): the
characters the stamp can hold, from the collection's first face, rescaled to 1,000 units to
the em — pyHanko writes a font's glyph widths in the font's own units, which PDF reads as
thousandths, so the page font's 2,048 spread every glyph twice as wide as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from db import keys
from desktop.reports.layout import SIGNATURE_BOX, font_file

FIELD_NAME = "YanshouSignature"
STAMP_SIZE = 8  # points: the longest line, the time with its offset, fits the field (SIGNATURE_BOX)
STAMP_TEXT = "电子签名（PAdES）\n设备：{device}\n签名时间：%(when)s"  # pyHanko puts in stamp_time (its own %(ts)s says "CST")
CERT_DAYS = 3650

# pyHanko names cryptography's DSA classes, which cryptography 51 deprecated with a warning on
# every use: we neither make nor accept DSA keys (ECDSA P-256 only), and a user would see the
# warning on the console of every signing command. Said here, where pyHanko is loaded, and in
# the tests' filterwarnings (pyproject.toml), which pytest puts in front of this one.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=UserWarning, module="pyhanko")


@dataclass(frozen=True)
class SignerInfo:
    """Who signs: a name for the certificate (Chinese allowed) and the device it is made on."""

    name: str
    device_id: str
    role: str  # "field" or "master"


def certificate(key: ec.EllipticCurvePrivateKey, who: SignerInfo, now: dt.datetime) -> x509.Certificate:
    """A self-signed certificate for the device's key, naming the signer and the device."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, who.name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"Yanshou {who.role} device"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, who.device_id),
        ]
    )
    # The serial derives from key, name and time: two certificates made the same second for
    # the same signer are the same certificate, and no randomness is needed.
    seed = hashlib.sha256(f"{who.device_id}|{who.name}|{now.isoformat()}".encode()).digest()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(seed[:16], "big") >> 1)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CERT_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # Non-repudiation (content commitment) is what a document signature asserts, and
            # what pyHanko's validator asks of a signer's certificate by default.
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def preload() -> None:
    """Load what signing imports (pyHanko: some tenths of a second), ahead of the first signature."""
    import pyhanko.sign
    import pyhanko.stamp  # noqa: F401


def sign_pdf(pdf: bytes, key: ec.EllipticCurvePrivateKey, who: SignerInfo, *, reason: str, now: dt.datetime | None = None) -> bytes:
    """The PDF with a PAdES signature over all of it and a visible field on its last page."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    cert = certificate(key, who, now)
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn1_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_cert, signing_key=asn1_key, cert_registry=SimpleCertificateStore.from_certs([asn1_cert]),  # type: ignore[no-untyped-call]
    )
    short = who.device_id.split("-")[0]
    when = stamp_time(now)
    stamp = TextStampStyle(
        stamp_text=STAMP_TEXT.format(device=short), border_width=1,
        text_box_style=TextBoxStyle(font=_stamp_engine(stamp_font(STAMP_TEXT + short + when)), font_size=STAMP_SIZE),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=f"Yanshou device {who.device_id}",
    )
    spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=SIGNATURE_BOX)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=signer, stamp_style=stamp, new_field_spec=spec).sign_pdf(
        writer, output=out, appearance_text_params={"when": when},
    )
    return out.getvalue()


def stamp_font(text: str) -> bytes:
    """A TrueType font with the glyphs of `text` and of every stamp (any device, any time),
    1,000 units to the em (see the module's docstring)."""
    return _stamp_font(frozenset(text) | _STAMP_CHARACTERS)


_STAMP_CHARACTERS = frozenset(STAMP_TEXT + "0123456789abcdef" + "UTC+-: ")


@functools.cache
def _stamp_font(characters: frozenset[str]) -> bytes:
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTCollection
    from fontTools.ttLib.scaleUpem import scale_upem

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # it says which tables it leaves out
    with TTCollection(str(font_file()), lazy=True) as collection:
        font = collection.fonts[0]
        options = subset.Options()
        options.notdef_outline = True
        chosen = subset.Subsetter(options)
        chosen.populate(text="".join(sorted(characters - {"\n"})))
        chosen.subset(font)
        scale_upem(font, 1000)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def _stamp_engine(font: bytes) -> Any:
    """pyHanko's font engine factory for the stamp, in `font` (a FontEngineFactory)."""
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    class StampFont(FontEngineFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(font), font_size=STAMP_SIZE, obj_stream=obj_stream)

    return StampFont()


def stamp_time(moment: dt.datetime) -> str:
    """The signing time as the visible stamp shows it: this computer's local time with its
    real offset from UTC ("2018-09-12 16:30:00 UTC+08:00"), never local time called UTC."""
    local = moment.astimezone()
    offset = local.strftime("%z") or "+0000"
    return f"{local:%Y-%m-%d %H:%M:%S} UTC{offset[:3]}:{offset[3:]}"


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str  # the certificate's common name
    device: str
    key_fingerprint: str  # db.keys.fingerprint of the signing key: what the lead compared at enrolment
    signed_at: str | None
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature verifies with the certificate's key
    covers_whole_file: bool  # nothing was added after the signature
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.covers_whole_file


def verify_pdf(path: Path) -> list[SignatureCheck]:
    """Every signature of a PDF, each checked: an empty list for an unsigned document.
    Raises ValueError for a file that is not a readable PDF."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    data = path.read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a readable PDF: {exc}") from None
    out = []
    for sig in embedded:
        cert = sig.signer_cert
        common = cert.subject.native.get("common_name", "")
        device = cert.subject.native.get("serial_number", "")
        fingerprint = keys.fingerprint(cert.public_key.dump())
        try:
            # The self-signed certificate is its own root: what is checked is the document
            # against the key, not the key against an authority (there is none offline).
            context = ValidationContext(trust_roots=[cert], allow_fetching=False)
            status = validate_pdf_signature(sig, context)
        except Exception as exc:  # a damaged signature dictionary: report it, do not crash
            out.append(SignatureCheck(sig.field_name, common, device, fingerprint, None, False, False, False, str(exc)))
            continue
        when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        out.append(
            SignatureCheck(
                sig.field_name, common, device, fingerprint, when, bool(status.intact), bool(status.valid), whole,
                "" if status.bottom_line or (status.intact and status.valid) else "the signature does not verify",
            )
        )
    return out
