"""`/`: a plain page saying what loket is; no JavaScript, no data from users."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

# Nothing on this page comes from a request or the database, so nothing needs escaping.
PAGE = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loket</title>
</head>
<body>
<h1>loket</h1>
<p lang="nl">Eén loket voor het OCMW, de FOD Financiën en de andere openbare diensten.</p>
<p lang="fr">Un seul guichet pour le CPAS, le SPF Finances et les autres services publics.</p>
<p lang="de">Ein Schalter für das ÖSHZ, den FÖD Finanzen und die anderen öffentlichen Dienste.</p>
<p lang="en">One front door for the welfare centres, FPS Finance and the other public services.</p>
<ul>
<li><a href="/api/v1/health">/api/v1/health</a></li>
<li><a href="/docs">/docs</a> (API)</li>
</ul>
</body>
</html>
"""

# The page needs nothing from anywhere: no script, style, frame or form may run on it.
CONTENT_SECURITY_POLICY = "; ".join(
    ["default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]
)


@router.get("/", response_class=HTMLResponse)
def home() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
