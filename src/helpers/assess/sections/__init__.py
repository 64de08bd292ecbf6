"""The sections of a service chapter, one module and one builder each, in the order the chapter shows them.

Every builder takes the council's ``Inputs``, the service definition and the council, and returns a
``BuiltSection`` (the Section, its key figures, its own warnings). Dependencies between sections are
arguments: the demand section takes the ``CurrentCapacity`` the sufficiency section returns.

- ``sufficiency``: supply and capacity against comparators (and today's capacity for demand)
- ``quality``: CQC ratings
- ``stability``: entries, exits and concentration
- ``workforce``: Skills for Care measures (ASCOF turnover as the fallback)
- ``cost``: the cost of care and value for money (helpers.assess.cost_of_care)
- ``demand``: the population projection and projected demand against today's capacity
- ``actions``: the action plan's actions for the service
- ``common``: Section, BuiltSection and the helpers they share

The metrics they show live in the modules of helpers.assess named after what they compute.
"""
