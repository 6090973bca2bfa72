"""Time zones of Canadian provinces and US states, for quiet hours from a postal address.

A region spanning two zones lists both: quiet hours then hold in each (the stricter wins).
"""

NY, CHI, DEN, LA = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"

REGION_TIMEZONES = {
    "CA": {
        "AB": ("America/Edmonton",), "BC": ("America/Vancouver",),
        "MB": ("America/Winnipeg",), "NB": ("America/Moncton",),
        "NL": ("America/St_Johns",), "NS": ("America/Halifax",),
        "NT": ("America/Yellowknife",), "NU": ("America/Iqaluit", "America/Rankin_Inlet"),
        "ON": ("America/Toronto", "America/Winnipeg"), "PE": ("America/Halifax",),
        "QC": ("America/Toronto",), "SK": ("America/Regina",), "YT": ("America/Whitehorse",),
    },
    "US": {
        "AL": (CHI,), "AK": ("America/Anchorage",), "AZ": ("America/Phoenix",), "AR": (CHI,),
        "CA": (LA,), "CO": (DEN,), "CT": (NY,), "DE": (NY,), "DC": (NY,), "FL": (NY, CHI),
        "GA": (NY,), "HI": ("Pacific/Honolulu",), "ID": ("America/Boise", LA), "IL": (CHI,),
        "IN": ("America/Indiana/Indianapolis", CHI), "IA": (CHI,), "KS": (CHI, DEN),
        "KY": (NY, CHI), "LA": (CHI,), "ME": (NY,), "MD": (NY,), "MA": (NY,),
        "MI": ("America/Detroit", CHI), "MN": (CHI,), "MS": (CHI,), "MO": (CHI,),
        "MT": (DEN,), "NE": (CHI, DEN), "NV": (LA,), "NH": (NY,), "NJ": (NY,), "NM": (DEN,),
        "NY": (NY,), "NC": (NY,), "ND": (CHI, DEN), "OH": (NY,), "OK": (CHI,),
        "OR": (LA, "America/Boise"), "PA": (NY,), "RI": (NY,), "SC": (NY,), "SD": (CHI, DEN),
        "TN": (CHI, NY), "TX": (CHI, DEN), "UT": (DEN,), "VT": (NY,), "VA": (NY,), "WA": (LA,),
        "WV": (NY,), "WI": (CHI,), "WY": (DEN,), "PR": ("America/Puerto_Rico",),
    },
}


def region_timezones(country_code, state_code):
    """Zones of a province/state, or ``()`` when unknown."""
    return REGION_TIMEZONES.get((country_code or "").upper(), {}).get(
        (state_code or "").upper(), ())
