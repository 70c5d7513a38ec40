"""s6-svscan, as a library the PID 1 loop embeds (``program.Svscan``) and as
``python3 -m init.svscan SCANDIR`` (tests and benchmarks run it directly).
"""
