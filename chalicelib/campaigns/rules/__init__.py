"""The campaign rules: pure functions (KPIs, attribution, UTM tagging, bot detection). No I/O."""
