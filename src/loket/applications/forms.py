"""What each request asks: its steps, their fields and limits, and what the citizen is told.

The definitions are data, so the pages, the validation and the check-your-answers summary all
read the same list and cannot drift apart.
"""

from dataclasses import dataclass, field

from loket.texts import N_

FIELD_TYPES = ("text", "date", "choice", "yesno", "number", "money", "textarea", "postcode", "insz")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str
    # The message when a required field is left empty, specific to the question (GOV.UK style).
    missing: str
    hint: str = ""
    required: bool = True
    limit: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    autocomplete: str = ""


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    fields: tuple[Field, ...]
    hint: str = ""


@dataclass(frozen=True)
class Service:
    """One kind of request and what a citizen must know before starting it."""

    kind: str
    title: str
    summary: str
    agency: str
    case_type: str
    steps: tuple[Step, ...]
    # Days within which the office decides or answers, counted from the day of submission.
    decision_days: int
    # True when the term is set by law (leefloon: 30 days, law of 26 May 2002, art. 21).
    legal_term: bool
    next_steps: str
    bring: tuple[str, ...] = field(default=())
    duration: str = ""


# Steps a newcomer who is not signed in fills in first, so that the office knows who asks.
IDENTITY = Step(
    "identity",
    N_("Who are you?"),
    (
        Field(
            "insz",
            "insz",
            N_("National register number"),
            N_("Enter your national register number"),
            hint=N_("11 digits, on the back of your identity card, like 85.07.30-033.61."),
            limit=20,
        ),
        Field(
            "family_name",
            "text",
            N_("Family name"),
            N_("Enter your family name"),
            limit=100,
            autocomplete="family-name",
        ),
        Field(
            "given_names",
            "text",
            N_("Given names"),
            N_("Enter your given names"),
            limit=100,
            autocomplete="given-name",
        ),
        Field(
            "birth_date",
            "date",
            N_("Date of birth"),
            N_("Enter your date of birth"),
            hint=N_("Day, month and year, like 30-07-1985."),
            limit=10,
            autocomplete="bday",
        ),
    ),
)

ADDRESS = Step(
    "address",
    N_("Where do you live?"),
    (
        Field(
            "street",
            "text",
            N_("Street"),
            N_("Enter your street"),
            limit=200,
            autocomplete="address-line1",
        ),
        Field("house_number", "text", N_("House number"), N_("Enter your house number"), limit=20),
        Field(
            "box",
            "text",
            N_("Box (optional)"),
            N_("Enter your box number"),
            required=False,
            limit=20,
        ),
        Field(
            "postcode",
            "postcode",
            N_("Postal code"),
            N_("Enter your postal code"),
            hint=N_("4 digits, like 9000."),
            limit=4,
            autocomplete="postal-code",
        ),
    ),
    hint=N_("We send your request to the office of the place where you live."),
)

# Asked only when the postal code covers several municipalities with different offices.
MUNICIPALITY = Step(
    "municipality",
    N_("In which municipality do you live?"),
    (
        Field(
            "municipality",
            "choice",
            N_("Municipality"),
            N_("Choose your municipality"),
            hint=N_("Your postal code covers more than one municipality."),
        ),
    ),
)

CONTACT = Field(
    "phone",
    "text",
    N_("Phone number (optional)"),
    N_("Enter a phone number"),
    hint=N_("So that we can call you if something is not clear."),
    required=False,
    limit=30,
    autocomplete="tel",
)

LEEFLOON = Service(
    "leefloon",
    N_("Apply for the living wage"),
    N_("Money from your welfare centre when you do not have enough to live on."),
    "ocmw",
    "leefloon",
    (
        Step(
            "household",
            N_("Your household"),
            (
                Field(
                    "household",
                    "choice",
                    N_("Who do you live with?"),
                    N_("Choose who you live with"),
                    choices=(
                        ("alone", N_("I live alone")),
                        ("partner", N_("With a partner")),
                        ("family", N_("With children I take care of")),
                        ("others", N_("With other people")),
                    ),
                ),
                Field(
                    "children",
                    "number",
                    N_("How many children live with you?"),
                    N_("Enter the number of children, or 0"),
                    limit=2,
                    minimum=0,
                    maximum=20,
                ),
            ),
        ),
        Step(
            "income",
            N_("Your income"),
            (
                Field(
                    "has_work",
                    "yesno",
                    N_("Do you have paid work at the moment?"),
                    N_("Say whether you have paid work"),
                ),
                Field(
                    "monthly_income",
                    "money",
                    N_("Your income per month, in euro"),
                    N_("Enter your income per month, or 0"),
                    hint=N_("All money you receive: wages, benefits, maintenance. Like 850,00."),
                    limit=12,
                    minimum=0,
                    maximum=100000,
                ),
            ),
        ),
        Step(
            "details",
            N_("Anything else we should know"),
            (
                CONTACT,
                Field(
                    "situation",
                    "textarea",
                    N_("Tell us about your situation (optional)"),
                    N_("Tell us about your situation"),
                    required=False,
                    limit=2000,
                ),
            ),
        ),
    ),
    decision_days=30,
    legal_term=True,
    next_steps=N_(
        "A social worker of the welfare centre will contact you for an interview, usually at "
        "your home. The welfare centre must decide within 30 days and tells you its decision "
        "in writing."
    ),
    bring=(
        N_("Your identity card"),
        N_("Your bank card or account number"),
        N_("Proof of your income of the last three months"),
        N_("Your rental contract, if you rent"),
    ),
    duration=N_("About 10 minutes online."),
)

TAX_QUESTION = Service(
    "tax-question",
    N_("Ask a question about a tax collection"),
    N_("For example about a payment plan, or a letter you do not understand."),
    "fin",
    "tax-question",
    (
        Step(
            "question",
            N_("Your question"),
            (
                Field(
                    "tax_year",
                    "number",
                    N_("Tax year the question is about"),
                    N_("Enter the tax year, like 2025"),
                    limit=4,
                    minimum=2000,
                    maximum=2100,
                ),
                Field(
                    "letter_reference",
                    "text",
                    N_("Reference on the letter (optional)"),
                    N_("Enter the reference"),
                    required=False,
                    limit=60,
                ),
                Field(
                    "question",
                    "textarea",
                    N_("What is your question?"),
                    N_("Enter your question"),
                    limit=2000,
                ),
                CONTACT,
            ),
        ),
    ),
    decision_days=30,
    legal_term=False,
    next_steps=N_("A tax officer reads your question and answers you in writing or by phone."),
    bring=(N_("The letter you have a question about"), N_("Your identity card")),
    duration=N_("About 5 minutes online."),
)

SITUATION_CHANGE = Service(
    "situation-change",
    N_("Report a change in your situation"),
    N_("A new job, a new address, someone moving in or out."),
    "ocmw",
    "situation-change",
    (
        Step(
            "change",
            N_("What changed?"),
            (
                Field(
                    "change_kind",
                    "choice",
                    N_("What changed?"),
                    N_("Choose what changed"),
                    choices=(
                        ("work", N_("I started or stopped working")),
                        ("household", N_("Someone moved in or out")),
                        ("income", N_("My income changed")),
                        ("address", N_("I moved")),
                        ("other", N_("Something else")),
                    ),
                ),
                Field(
                    "change_date",
                    "date",
                    N_("When did it change?"),
                    N_("Enter the date of the change"),
                    hint=N_("Day, month and year, like 01-03-2026."),
                    limit=10,
                ),
                Field(
                    "description",
                    "textarea",
                    N_("Tell us more"),
                    N_("Tell us what changed"),
                    limit=2000,
                ),
                CONTACT,
            ),
        ),
    ),
    decision_days=14,
    legal_term=False,
    next_steps=N_(
        "Your welfare centre checks what the change means for your help and tells you in "
        "writing. Keep reporting changes: it avoids having to pay money back."
    ),
    bring=(N_("Proof of the change, like a contract or a pay slip"), N_("Your identity card")),
    duration=N_("About 5 minutes online."),
)

SERVICES: dict[str, Service] = {s.kind: s for s in (LEEFLOON, TAX_QUESTION, SITUATION_CHANGE)}
NEWCOMER_STEPS = (IDENTITY, ADDRESS)


def all_steps(service: Service) -> tuple[Step, ...]:
    """Every step that may be asked for this service, in order (newcomer steps first)."""
    return (*NEWCOMER_STEPS, MUNICIPALITY, *service.steps)
