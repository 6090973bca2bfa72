"""Who is at work at a given moment is cached (``resource.calendar._dealer_at_work_ids``):
any change to hours, leaves or resources clears that cache in every worker."""


def clear_on_shift_cache(records, result=None):
    """Clear the cached at-work answers after ``records`` changed; return ``result`` (or the
    records, for ``create``)."""
    records.env.registry.clear_cache()
    return records if result is None else result
