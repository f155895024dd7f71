"""minidl against torch.nn: the twin session, paired experiments, statistics and reports.

Everything here drives :class:`~studio.core.session.Session` (minidl) and
:class:`~studio.core.compare.twin.TorchSession` (its torch.nn twin); nothing builds a run itself.
"""
