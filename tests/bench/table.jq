# results.json (tests/bench/report.jq) as the text table of results.txt.

def lpad($n): tostring | if length >= $n then . else ((" " * ($n - length)) // "") + . end;
def rpad($n): tostring | if length >= $n then . else . + ((" " * ($n - length)) // "") end;
def fixed($d):
  if . == null then "-" else
    (if . < 0 then "-" else "" end) as $sign
    | pow(10; $d) as $p
    | ((if . < 0 then -. else . end) * $p | round) as $i
    | if $d == 0 then $sign + ($i | tostring)
      else ($i / $p | floor) as $int
        | ($i - $int * $p | tostring) as $frac
        | $sign + ($int | tostring) + "." + (("0" * ($d - ($frac | length))) // "") + $frac
      end
  end;
def si:
  if . == null then "-"
  elif . >= 1e6 then (. / 1e6 | fixed(2)) + "M"
  elif . >= 1e4 then (. / 1e3 | fixed(0)) + "k"
  else fixed(0) end;
def mib: if . == null then "-" else fixed(1) end;

.machine as $m | .config as $c |
"ipcscope overhead benchmark, \($m.date)",
"machine: \($m.nproc) CPUs (\($m.cpu)), \($m.memory), kernel \($m.kernel), \($m.os)",
"ipcscope: \($m.ipcscope) (\($m.commit)); load average before \($m.loadavg_before), after \($m.loadavg_after)",
"command: \($c.command)  (\($c.reps) repetitions x \($c.duration_s) s per workload and mode, interleaved; medians; \($c.wall_s) s in all)",
"",
"placement: \($c.pin // "none"); idle CPUs: \($c.spin // "none")",
"spread = (slowest - fastest) / median time per op over the repetitions (other load shows here);",
"ratio = time per op traced / untraced (median of per-repetition ratios); +ns/op = added time per op;",
"op = one round trip (ping-pongs), one 64 KiB write (bulk), one 1-byte write (storm); ev/op = events",
"delivered + lost per op; events/s = delivered (~ = estimated from the file mode's ev/op when the",
"output went to /dev/null); CPU = collector CPU (utime+stime) per delivered event; RSS = VmHWM;",
"ev/wake = events delivered per collector context switch (wakeup batching); maps = memlock of",
"the BPF maps the collector holds; attach = exec to the tracer's \"attached\" line.",
"machine busy before each run (other load, median): \(.busy_before_pct // "?")%",
"",
(["workload", "mode", "ns/op", "spread", "ratio", "+ns/op", "ev/op", "events/s", "lost", "CPU ns/ev",
  "ev/wake", "RSS MiB", "maps MiB", "attach s"] as $h
 | ($h[0] | rpad(16)) + ($h[1] | rpad(16)) + ([$h[2:][] | lpad(10)] | join(""))),
(.rows[] |
  (.workload | rpad(16)) + (.mode | rpad(16)) +
  if .na != null then .na
  elif .error != null then "FAILED: " + (.error | .[0:80])
  else
    ([ (.ns_per_op | fixed(0)),
       (.spread_pct | if . == null then "-" else fixed(0) + "%" end),
       (.ratio | fixed(3)),
       (.added_ns_per_op | fixed(0)),
       (.events_per_op | fixed(2)),
       ((if .delivered_estimated then "~" else "" end) + (.events_per_s | si)),
       (.lost | si),
       (.cpu_ns_per_event | fixed(0)),
       (.events_per_wakeup | fixed(0)),
       (.hwm_kb | if . == null then null else . / 1024 end | mib),
       (.map_bytes | if . == null then null else . / 1048576 end | mib),
       (.attach_ms | if . == null then null else . / 1000 end | fixed(3)) ]
     | map(lpad(10)) | join(""))
  end),
"",
(if (.bpf_cost | length) > 0 then
  "BPF programs' own cost (pipe-pingpong, one run with kernel.bpf_stats_enabled=1):",
  (.bpf_cost[] | "  \(.mode | rpad(14)) \(.prog_runs_per_op | fixed(1)) program runs/op x \(.ns_per_prog_run | fixed(0)) ns = \(.bpf_ns_per_op | fixed(0)) ns/op in BPF (untraced op: \(.untraced_ns_per_op | fixed(0)) ns)"),
  ""
 else empty end),
"highest lossless event rate (write-storm, NDJSON to /dev/null, default 4 MiB ring): " +
  (if .lossless.events_per_s > 0 then "\(.lossless.events_per_s | si) events/s held for \(.lossless.seconds) s"
   else "none found (events were lost for \(.lossless.seconds) s even at \(.lossless.lowest_tried | si) events/s)" end),
"  the traced writer alone, unthrottled: \(.lossless.traced_writer_max_events_per_s | si) events/s (lost \(.lossless.traced_writer_max_lost | si))",
"  search: " + (.lossless.search | join("; ")),
"forced overflow (16 KiB ring, \(.overflow.writes) writes): known \(.overflow.known_events) events, delivered \(.overflow.delivered), lost \(.overflow.lost): " +
  (if .overflow.exact then "delivered + lost = known, exactly" else "MISMATCH" end),
"",
"targets:",
(.targets[] |
  "  " + (.target | rpad(70)) + (.limit | rpad(22)) +
  (.value | if type == "number" then (if . >= 1e4 then si else fixed(3) end) else tostring end | rpad(12)) +
  (if .met == null then "n/a"
   elif .met then "met"
   elif .limit | startswith(">=") then "MISSED by \(.by | if . >= 1e4 then si else fixed(3) end) (\(.value / (.value + .by) * 100 | fixed(0))% of target)"
   else "MISSED by \(.by | fixed(3)) (\(.by / (.value - .by) * 100 | fixed(0))% over)" end))
