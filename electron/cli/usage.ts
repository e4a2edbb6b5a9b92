export const USAGE_TEXT = `Usage: stickwright <verb> [options]

Verbs:
  inspect <iso> [--json]   Read an ISO without mounting it: label, size, live layout
                           family, persistence it supports, boot configurations and entries.

Options for every verb:
  --json                   Machine-readable output on stdout (errors too: {"ok":false,"error":…}).
  -h, --help               This text.   -V, --version   The version.

Exit status: 0 ok, 2 bad command line, 3 bad source image, 4 target problem,
5 write failed, 6 verify failed, 70 internal error, 130 cancelled.
`;
