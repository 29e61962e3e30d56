"""LOKET_* settings in one place, with the defaults a fresh checkout runs on.

Every setting can be overridden by an environment variable of the same name in capitals.
"""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOKET_")

    database_url: str = "sqlite:///./var/loket.db"
    # Moves applied per transaction by `loket import moves`: large enough to amortise a commit,
    # small enough that a killed import loses little work.
    import_batch_size: int = 5000
    # Demo only: accept the `X-Demo-Citizen` header as a citizen session (no eID login yet).
    demo_mode: bool = False
    # Ed25519 key that signs access-log checkpoints; created (mode 0600) on first use.
    audit_key_file: str = "./var/audit-key.pem"
    # Uploaded documents, stored by SHA-256 (see `loket.documents.blobs`).
    documents_dir: str = "./var/documents"
    # Roots that uploaded signed PDFs must chain to: a directory of PEM/DER certificates, or
    # certificate files separated by the path separator (":" on Linux). Empty trusts nothing.
    trust_roots: str = ""
    # Roots of the timestamp authorities whose timestamps prove when a PDF was signed (same
    # format as trust_roots). Empty: no timestamp counts, signatures are judged now.
    tsa_roots: str = ""
    # loket's own issuing PKI for attestations (root, agency keys, CRL); created on first use.
    issuer_dir: str = "./var/issuer"
    # loket's public address ("https://loket.example.be"), printed on issued attestations
    # before /verify/{reference}. Empty: `loket serve`'s default, http://127.0.0.1:8000.
    public_url: str = ""
    # Browser cookies carry the Secure flag; `loket demo` on plain http://127.0.0.1 turns it off.
    cookie_secure: bool = True
    # Threads per web worker process that run the routes.
    web_threads: int = 8
    # Hours a browser session lasts without a new login.
    session_hours: int = 8
    # Days a saved request can be resumed with its code.
    resume_days: int = 30
    # The mail server the outbox sender sends through (see loket.notify.smtp for the forms).
    # Empty: e-mails are kept in the outbox and shown to staff, never dropped.
    smtp_url: str = ""
    # The From address of loket's e-mails; its domain also ends every Message-ID.
    smtp_from: str = "noreply@loket.example"
    # OpenID Connect to the federal authentication service (production citizen login).
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_redirect_uri: str = ""
    # The ID-token claim that carries the national register number.
    oidc_nrn_claim: str = "egovNRN"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
