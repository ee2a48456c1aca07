"""The Open Badges 3.0 data model as tables: classes and their properties.

One description serves two consumers: the JSON Schema builder (``schema_build``) writes our
schemas from it, and the rules beyond the schema (``rules``) walk documents with it. The tables
follow the OB 3.0 data model (spec §B, version 1.3 where it changed), not the published
schema files.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

# Property kinds. ``text`` is human-readable (a language map is allowed in the JSON-LD variant);
# ``uri`` / ``iri`` / ``plain`` are strings that are never language maps.
TEXT, URI, IRI, PLAIN = "text", "uri", "iri", "plain"
DATETIME, DATE, NUMBER, BOOLEAN = "datetime", "date", "number", "boolean"
LANGUAGE, JWS, CONTEXT, PROFILE_REF = "language", "jws", "context", "profile-ref"


@dataclasses.dataclass(frozen=True)
class Prop:
    """One property of a class: its kind (above, ``enum:<Name>`` or ``class:<Name>``)."""

    kind: str
    many: bool = False
    min_items: int = 0

    @property
    def class_name(self) -> str | None:
        """The nested class name for ``class:`` kinds (a ProfileRef object is a Profile)."""
        if self.kind.startswith("class:"):
            return self.kind[6:]
        return "Profile" if self.kind == PROFILE_REF else None

    @property
    def enum_name(self) -> str | None:
        """The enumeration name for ``enum:`` kinds."""
        return self.kind[5:] if self.kind.startswith("enum:") else None


@dataclasses.dataclass(frozen=True)
class ObClass:
    """One OB 3.0 class: how its ``type`` is constrained, its properties, required and closed.

    ``type_terms`` are groups: each group must be represented by one of its terms.
    ``single_type`` is the one allowed value of a single-valued ``type`` (Image, ...).
    """

    props: Mapping[str, Prop]
    required: tuple[str, ...] = ()
    type_terms: tuple[tuple[str, ...], ...] = ()
    single_type: str | None = None
    closed: bool = False

    @functools.cached_property
    def nested(self) -> tuple[tuple[str, str, bool, bool], ...]:
        """``(property, class, many, profile_ref)`` for every property holding a class."""
        return tuple(
            (name, prop.class_name, prop.many, prop.kind == PROFILE_REF)
            for name, prop in self.props.items()
            if prop.class_name is not None
        )

    @functools.cached_property
    def enums(self) -> tuple[tuple[str, str], ...]:
        """``(property, enumeration)`` for every enumeration-typed property."""
        return tuple((name, prop.enum_name) for name, prop in self.props.items() if prop.enum_name)


def _p(kind: str) -> Prop:
    return Prop(kind)


def _many(kind: str) -> Prop:
    return Prop(kind, many=True)


def _cls(name: str, many: bool = False) -> Prop:
    return Prop(f"class:{name}", many=many)


def _enum(name: str) -> Prop:
    return Prop(f"enum:{name}")


def _texts(*names: str) -> dict[str, Prop]:
    return {name: _p(TEXT) for name in names}


_TYPE_SET = _many(IRI)
_CREDENTIAL_COMMON: dict[str, Prop] = {
    "@context": Prop(CONTEXT, many=True, min_items=2),
    "id": _p(URI),
    "type": _TYPE_SET,
    "name": _p(TEXT),
    "description": _p(TEXT),
    "issuer": _p(PROFILE_REF),
    "validFrom": _p(DATETIME),
    "validUntil": _p(DATETIME),
    "awardedDate": _p(DATETIME),
    "evidence": _cls("Evidence", many=True),
    "proof": _cls("Proof", many=True),
    "credentialSchema": _cls("CredentialSchema", many=True),
    "credentialStatus": _cls("CredentialStatus"),
    "refreshService": _cls("RefreshService"),
    "termsOfUse": _cls("TermsOfUse", many=True),
}
_ENDORSED: dict[str, Prop] = {
    "endorsement": _cls("EndorsementCredential", many=True),
    "endorsementJwt": _many(JWS),
}
_CREDENTIAL_REQUIRED = ("@context", "id", "type", "credentialSubject", "issuer", "validFrom")

CLASSES: Mapping[str, ObClass] = {
    "AchievementCredential": ObClass(
        props={
            **_CREDENTIAL_COMMON,
            **_ENDORSED,
            "image": _cls("Image"),
            "credentialSubject": _cls("AchievementSubject"),
        },
        required=_CREDENTIAL_REQUIRED,
        type_terms=(("VerifiableCredential",), ("AchievementCredential", "OpenBadgeCredential")),
    ),
    "EndorsementCredential": ObClass(
        props={**_CREDENTIAL_COMMON, "credentialSubject": _cls("EndorsementSubject")},
        required=(*_CREDENTIAL_REQUIRED, "name"),
        type_terms=(("VerifiableCredential",), ("EndorsementCredential",)),
    ),
    "AchievementSubject": ObClass(
        props={
            "id": _p(URI),
            "type": _TYPE_SET,
            "activityStartDate": _p(DATETIME),
            "activityEndDate": _p(DATETIME),
            "creditsEarned": _p(NUMBER),
            "achievement": _cls("Achievement"),
            "identifier": _cls("IdentityObject", many=True),
            "image": _cls("Image"),
            "result": _cls("Result", many=True),
            "source": _cls("Profile"),
            **_texts("licenseNumber", "narrative", "role", "term"),
        },
        required=("type", "achievement"),
        type_terms=(("AchievementSubject",),),
    ),
    "EndorsementSubject": ObClass(
        props={"id": _p(URI), "type": _TYPE_SET, "endorsementComment": _p(TEXT)},
        required=("id", "type"),
        type_terms=(("EndorsementSubject",),),
    ),
    "Achievement": ObClass(
        props={
            "id": _p(URI),
            "type": _TYPE_SET,
            "achievementType": _enum("AchievementType"),
            "alignment": _cls("Alignment", many=True),
            "creator": _cls("Profile"),
            "creditsAvailable": _p(NUMBER),
            "criteria": _cls("Criteria"),
            **_ENDORSED,
            "image": _cls("Image"),
            "inLanguage": _p(LANGUAGE),
            "otherIdentifier": _cls("IdentifierEntry", many=True),
            "related": _cls("Related", many=True),
            "resultDescription": _cls("ResultDescription", many=True),
            "tag": _many(TEXT),
            **_texts("name", "description", "fieldOfStudy", "humanCode", "specialization"),
            "version": _p(TEXT),
        },
        required=("id", "type", "criteria", "description", "name"),
        type_terms=(("Achievement",),),
    ),
    "Profile": ObClass(
        props={
            "id": _p(URI),
            "type": _TYPE_SET,
            "url": _p(URI),
            "phone": _p(PLAIN),
            "email": _p(PLAIN),
            **_ENDORSED,
            "image": _cls("Image"),
            "address": _cls("Address"),
            "otherIdentifier": _cls("IdentifierEntry", many=True),
            "parentOrg": _cls("Profile"),
            "dateOfBirth": _p(DATE),
            **_texts(
                "name", "description", "official", "familyName", "givenName", "additionalName",
                "patronymicName", "honorificPrefix", "honorificSuffix", "familyNamePrefix",
            ),
        },
        required=("id", "type"),
        type_terms=(("Profile",),),
    ),
    "Criteria": ObClass(props={"id": _p(URI), "narrative": _p(TEXT)}),
    "Alignment": ObClass(
        props={
            "type": _TYPE_SET,
            "targetUrl": _p(URI),
            "targetType": _enum("AlignmentTargetType"),
            **_texts("targetName", "targetCode", "targetDescription", "targetFramework"),
        },
        required=("type", "targetName", "targetUrl"),
        type_terms=(("Alignment",),),
    ),
    "Evidence": ObClass(
        props={
            "id": _p(URI),
            "type": _TYPE_SET,
            **_texts("narrative", "name", "description", "genre", "audience"),
        },
        required=("type",),
        type_terms=(("Evidence",),),
    ),
    "Image": ObClass(
        props={"id": _p(URI), "type": _p(IRI), "caption": _p(TEXT)},
        required=("id", "type"),
        single_type="Image",
        closed=True,
    ),
    "IdentityObject": ObClass(
        props={
            "type": _p(IRI),
            "hashed": _p(BOOLEAN),
            "identityHash": _p(PLAIN),
            "identityType": _enum("IdentifierTypeEnum"),
            "salt": _p(PLAIN),
        },
        required=("type", "hashed", "identityHash", "identityType"),
        single_type="IdentityObject",
        closed=True,
    ),
    "IdentifierEntry": ObClass(
        props={
            "type": _p(IRI),
            "identifier": _p(PLAIN),
            "identifierType": _enum("IdentifierTypeEnum"),
        },
        required=("type", "identifier", "identifierType"),
        single_type="IdentifierEntry",
        closed=True,
    ),
    "Result": ObClass(
        props={
            "type": _TYPE_SET,
            "achievedLevel": _p(URI),
            "alignment": _cls("Alignment", many=True),
            "resultDescription": _p(URI),
            "status": _enum("ResultStatusType"),
            "value": _p(TEXT),
        },
        required=("type",),
        type_terms=(("Result",),),
    ),
    "ResultDescription": ObClass(
        props={
            "id": _p(URI),
            "type": _TYPE_SET,
            "alignment": _cls("Alignment", many=True),
            "allowedValue": _many(TEXT),
            "name": _p(TEXT),
            "requiredLevel": _p(URI),
            "requiredValue": _p(TEXT),
            "resultType": _enum("ResultType"),
            "rubricCriterionLevel": _cls("RubricCriterionLevel", many=True),
            "valueMax": _p(TEXT),
            "valueMin": _p(TEXT),
        },
        required=("id", "type", "name", "resultType"),
        type_terms=(("ResultDescription",),),
    ),
    "RubricCriterionLevel": ObClass(
        props={
            "id": _p(URI),
            "type": _TYPE_SET,
            "alignment": _cls("Alignment", many=True),
            **_texts("name", "description", "level", "points"),
        },
        required=("id", "type", "name"),
        type_terms=(("RubricCriterionLevel",),),
    ),
    "Related": ObClass(
        props={"id": _p(URI), "type": _TYPE_SET, "inLanguage": _p(LANGUAGE), "version": _p(TEXT)},
        required=("id", "type"),
        type_terms=(("Related",),),
    ),
    "Address": ObClass(
        props={
            "type": _TYPE_SET,
            "addressCountryCode": _p(PLAIN),
            "geo": _cls("GeoCoordinates"),
            **_texts(
                "addressCountry", "addressRegion", "addressLocality", "streetAddress",
                "postOfficeBoxNumber", "postalCode",
            ),
        },
        required=("type",),
        type_terms=(("Address",),),
    ),
    "GeoCoordinates": ObClass(
        props={"type": _p(IRI), "latitude": _p(NUMBER), "longitude": _p(NUMBER)},
        required=("type", "latitude", "longitude"),
        single_type="GeoCoordinates",
    ),
    "Proof": ObClass(
        props={
            "type": _p(IRI),
            "created": _p(DATETIME),
            "verificationMethod": _p(URI),
            **{name: _p(PLAIN) for name in ("cryptosuite", "challenge", "domain", "nonce")},
            "proofPurpose": _p(PLAIN),
            "proofValue": _p(PLAIN),
        },
        required=("type",),
    ),
    "CredentialSchema": ObClass(props={"id": _p(URI), "type": _p(IRI)}, required=("id", "type")),
    # ``id`` is [0..1] in the 1.3 model (the formal schema requires it; see schemas/README.md).
    "CredentialStatus": ObClass(props={"id": _p(URI), "type": _p(IRI)}, required=("type",)),
    "RefreshService": ObClass(props={"id": _p(URI), "type": _p(IRI)}, required=("id", "type")),
    "TermsOfUse": ObClass(props={"id": _p(URI), "type": _p(IRI)}, required=("type",)),
    "GetOpenBadgeCredentialsResponse": ObClass(
        props={
            "credential": _cls("AchievementCredential", many=True),
            "compactJwsString": _many(JWS),
        },
        closed=True,
    ),
    "Imsx_StatusInfo": ObClass(
        props={
            "imsx_codeMajor": _enum("ImsxCodeMajor"),
            "imsx_severity": _enum("ImsxSeverity"),
            "imsx_description": _p(PLAIN),
            "imsx_codeMinor": _cls("Imsx_CodeMinor"),
        },
        required=("imsx_codeMajor", "imsx_severity"),
        closed=True,
    ),
    "Imsx_CodeMinor": ObClass(
        props={"imsx_codeMinorField": Prop("class:Imsx_CodeMinorField", many=True, min_items=1)},
        required=("imsx_codeMinorField",),
        closed=True,
    ),
    "Imsx_CodeMinorField": ObClass(
        props={
            "imsx_codeMinorFieldName": _p(PLAIN),
            "imsx_codeMinorFieldValue": _enum("ImsxCodeMinorFieldValue"),
        },
        required=("imsx_codeMinorFieldName", "imsx_codeMinorFieldValue"),
        closed=True,
    ),
}  # fmt: skip
