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

.machine as $m | .config as $c | .config.placements[0] as $main |
def place_text($p):
  if $p == "real" then "idle vCPUs halt (no busy loop)"
  elif $p == "spin" then "one SCHED_IDLE busy loop per CPU (idle vCPUs never halt)"
  else $p end;
"ipcscope overhead benchmark, \($m.date)",
"machine: \($m.nproc) CPUs (\($m.cpu)), \($m.memory), kernel \($m.kernel), \($m.os)",
"ipcscope: \($m.ipcscope) (\($m.commit)); \($m.bpftrace // "no bpftrace"); load average before \($m.loadavg_before), after \($m.loadavg_after)",
"command: \($c.command)  (\($c.reps) repetitions x \($c.duration_s) s per workload and mode, untraced between every two traced runs; medians; \($c.wall_s) s in all)",
(if ($c.trace_opts // "") != "" then "every ipcscope trace run with: \($c.trace_opts)" else empty end),
"",
(if (.rows | length) == 0 then "(no workload runs: BENCH_PHASES without runs)", "" else
"placement: \($c.pin); \(place_text($main)); cpuidle driver \($m.cpuidle // "?")",
"spread = (slowest - fastest) / median time per op over the repetitions (other load shows here);",
"ratio = time per op traced / the mean of the untraced runs just before and after (median over repetitions);",
"+ns/op = added time per op, the same way; op = one round trip (ping-pongs), one 64 KiB write (bulk),",
"one 1-byte write (storm); ev/op = events delivered + lost per op; events/s = delivered (~ = estimated",
"from the file mode's ev/op when the output went to /dev/null); CPU = collector CPU (utime+stime) per",
"delivered event; RSS = VmHWM; ev/wake = events delivered per collector context switch (wakeup",
"batching); maps = memlock of the BPF maps the collector holds; attach = exec to the tracer's \"attached\" line.",
"machine busy before each run (other load, median): \(.busy_before_pct // "?")%",
"",
(["workload", "mode", "ns/op", "spread", "ratio", "+ns/op", "ev/op", "events/s", "lost", "CPU ns/ev",
  "ev/wake", "RSS MiB", "maps MiB", "attach s"] as $h
 | ($h[0] | rpad(16)) + ($h[1] | rpad(16)) + ([$h[2:][] | lpad(10)] | join(""))),
(.rows[] | select(.placement == $main) |
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
# ---- the placements side by side
(.rows as $rows | $c.placements as $ps |
 if ($ps | length) > 1 then
  "placements side by side (same runs, interleaved the same way):",
  ($ps[] | "  \(rpad(6)) \(place_text(.))"),
  ("  " + ("workload" | rpad(16)) + ("mode" | rpad(16)) +
   ([ $ps[] | ("ns/op " + .) | lpad(14) ] + [ $ps[] | ("ratio " + .) | lpad(12) ]
    + [ $ps[] | ("+ns/op " + .) | lpad(14) ] | join(""))),
  ([ $rows[] | select(.placement != $main) | [.workload, .mode] ] | unique as $keys
   | $rows | map(select(.placement == $main and ([.workload, .mode] | IN($keys[])))) | .[]
   | . as $r
   | [ $ps[] as $p | first($rows[] | select(.placement == $p and .workload == $r.workload and .mode == $r.mode)) // {} ] as $cells
   | "  " + ($r.workload | rpad(16)) + ($r.mode | rpad(16)) +
     ([ $cells[] | (.ns_per_op | fixed(0)) | lpad(14) ]
      + [ $cells[] | (.ratio | fixed(3)) | lpad(12) ]
      + [ $cells[] | (.added_ns_per_op | fixed(0)) | lpad(14) ] | join(""))),
  ""
 else empty end)
end),
# ---- the write storm
(if (.storm | length) > 0 then "write storm (1-byte writes paced to the target rate, -t pipe, NDJSON, default ring):" else empty end),
(.storm[] | "  to \(if .output == "null" then "/dev/null" else "a file   " end): \(.events_per_s | si) events/s for \(.elapsed_s | fixed(1)) s (target \(.target_events_per_s | si)/s), \(.events) events, " +
   (if .delivered != null then "delivered \(.delivered), " else "" end) + "lost \(.lost): " +
   (if .lossless then "lossless" else "NOT lossless" end)),
(if .lossless != null then
  "highest lossless rate to /dev/null: " +
  (if .lossless.events_per_s > 0 then "\(.lossless.events_per_s | si) events/s held for \(.lossless.seconds) s"
   else "none found (events were lost for \(.lossless.seconds) s even at \(.lossless.lowest_tried | si) events/s)" end),
  "  the traced writer alone, unthrottled: \(.lossless.traced_writer_max_events_per_s | si) events/s (lost \(.lossless.traced_writer_max_lost | si))",
  "  search: " + (.lossless.search | join("; "))
 else empty end),
(if .overflow == null then empty else
"forced overflow (16 KiB ring, \(.overflow.writes) writes): known \(.overflow.known_events) events, delivered \(.overflow.delivered), lost \(.overflow.lost): " +
  (if .overflow.exact then "delivered + lost = known, exactly" else "MISMATCH" end) end),
"",
# ---- per-tier BPF cost
(.tier_cost as $tc | if ($tc | length) > 0 then
  "BPF cost per event, per tier: pipe-pingpong (\($c.tier_reps) x \($c.tier_ops) round trips here, \($c.vm_tier_ops) in the VMs), `ipcscope trace -t pipe --probe TIER`,",
  "kernel.bpf_stats_enabled=1; ns/ev = the collector's programs' run_time_ns / the workload's pipe reads and writes;",
  "runs/ev = run_cnt per event; xmin = ns/ev / the cheapest tier's in that mode on that kernel; +ns/op = whole",
  "round trip traced - untraced (includes the hook's dispatch, which run_time_ns does not). The VMs run under",
  "QEMU TCG (software emulation): there only the comparison between tiers means anything, not the times.",
  "modes: stream = NDJSON to /dev/null; summary = --summary; filtered = -p of a sleeping process (no match).",
  ("  " + ("tier" | rpad(11)) + ("mode" | rpad(9)) +
   ([ $tc[] | ((if .where == "vm" then "\(.kernel) (TCG)" else "\(.kernel) (host)" end) | .[0:46] | lpad(48)) ] | join(""))),
  ("  " + ("" | rpad(20)) + ([ $tc[] | ("ns/ev" | lpad(10)) + ("runs/ev" | lpad(9)) + ("xmin" | lpad(7)) + ("ns/run" | lpad(9)) + ("+ns/op" | lpad(13)) ] | join(""))),
  ([ $tc[].rows[] | [.tier, .mode] ] | unique
   | sort_by([ (.[0] as $t | ["fentry", "kprobe", "tracepoint"] | index($t) // 9),
               (.[1] as $m | ["stream", "summary", "filtered"] | index($m) // 9) ])[] as [$t, $md]
   | "  " + ($t | rpad(11)) + ($md | rpad(9)) +
     ([ $tc[] | (first(.rows[] | select(.tier == $t and .mode == $md)) // {na: "-"}) as $r
        | if $r.na != null then ("n/a" | lpad(48))
          else ($r.bpf_ns_per_event | fixed(0) | lpad(10)) + ($r.prog_runs_per_event | fixed(2) | lpad(9))
               + ($r.vs_cheapest | fixed(2) | lpad(7)) + ($r.ns_per_prog_run | fixed(0) | lpad(9))
               + ($r.added_ns_per_op | fixed(0) | lpad(13)) end ] | join(""))),
  ($tc[] | "  \(.kernel)\(if .where == "vm" then " (TCG)" else "" end): untraced \(.untraced_ns_per_op | fixed(0)) ns/op",
     ([ .rows[] | select(.na != null) | "    \(.tier) n/a: \(.na | sub("^ipcscope: "; ""))" ] | unique[])),
  "  per program (stream mode; name: runs/ev x ns/run):",
  ($tc[] | . as $k | .rows[] | select(.mode == "stream" and .progs != null)
   | "    \($k.label | rpad(5)) \(.tier | rpad(11)) " + ([ .progs[] | "\(.name) \(.runs_per_event | fixed(2))x\(.ns_per_run | fixed(0))" ] | join(", "))),
  ""
 else empty end),
# ---- the exporter's scrape
(.scrape as $s | if $s == null then empty else
  "ipcscope exporter, one scrape (tests/bench/exporter-scrape): \($s.label_sets) label sets, \($s.samples) samples, \($s.bytes) bytes",
  "  wall time per scrape: median \($s.scrape_ms_median) ms, max \($s.scrape_ms_max) ms (\($s.scrapes) scrapes); exporter CPU per scrape: \($s.exporter_cpu_ms_per_scrape) ms",
  "  pipe ping-pong ns/round trip (medians of \($s.reps) x \($s.duration_s) s): counted \($s.pingpong_ns_idle) idle, \($s.pingpong_ns_scraping) while scraped back to back (\($s.scrapes_during_pingpong) scrapes, \($s.scrapes_failed) failed);",
  "  filtered out \($s.pingpong_ns_filtered_idle) idle, \($s.pingpong_ns_filtered_scraping) while scraped; counting adds \($s.counting_ns_idle) ns idle, \($s.counting_ns_scraping) ns while scraped;",
  "  the exporter's BPF programs while counting it, ns per run: \($s.prog_ns_per_run_idle) idle, \($s.prog_ns_per_run_scraping) while scraped; operations lost meanwhile: \($s.lost_during_pingpong)",
  ""
 end),
# ---- targets
(if all(.targets[]; .met == null) then empty else
"targets (issue 10; \($main) placement, pipe-pingpong unless named):",
(.targets[] |
  "  " + (.target | rpad(58)) + (.limit | rpad(27)) + (.value | tostring | rpad(33)) + " " +
  (if .met == null then "n/a"
   elif .met then "met"
   else "MISSED by " + (.by // "?") end)) end)
