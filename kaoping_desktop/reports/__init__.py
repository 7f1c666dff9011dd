"""Printed and exported results: PDF score sheets and Excel workbooks.

`verification`, `fonts` and `data` are pure (no Qt, no database); `pdf` and
`xlsx` write files from the plain rows that `data` builds.
"""
