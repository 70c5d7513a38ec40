"""Scenarios and peer adapters for the bench harness.

A *candidate* is one of:
  - a command string (split like a shell would): it is given the command line
    the scenario's reference program takes -- s6-log's for the logger
    scenarios, s6-socklog's for 'syslog', s6-svscan's (one scan dir) for
    'supervise';
  - 'peer:NAME', a built-in adapter for a program with another command line:
      peer:multilog  daemontools multilog  (logger scenarios)
      peer:svlogd    runit svlogd          (logger scenarios)
      peer:cat       cat > file: the physical limit (logger scenarios)
      peer:pylog     naive Python baseline (helpers/py_rotating.py, takes
                     s6-log's command line; logging.handlers.RotatingFileHandler)
      peer:rsyslog   rsyslogd on a private socket with the same routing ('syslog')
      peer:supervisord, peer:circus        ('supervise')
      peer:tini, peer:dumb-init            ('supervise': init only, no services)
Each scenario's run_once() returns a dict of figures for one run.
"""
import os
import select
import shlex
import shutil
import signal
import socket
import sys
import time

import common
import gen

HERE = os.path.dirname(os.path.abspath(__file__))
HELPERS = os.path.join(HERE, "helpers")


class Unsupported(Exception):
    pass


# ------------------------------------------------------------------ routing
# The syslogd-overlay routing script of s6-overlay
# (layout/syslogd-overlay/etc/s6-overlay/s6-rc.d/syslogd-log/run):
#   s6-log -d3 -- <blocks>, each block being: selections $T dir
# with the execline escapes resolved ('\\.' -> '\.').  The third element is the
# same selection as multilog/svlogd globs (anchored, whole-line); it is
# equivalent on the generated inputs because no message body contains
# 'mail.', 'user.' or 'daemon.' (see gen.py).
ROUTES = [
    (["-", r"+^auth\.", r"+^authpriv\."], "secure", ["-*", "+auth.*", "+authpriv.*"]),
    (["-", r"+^cron\."], "cron", ["-*", "+cron.*"]),
    (["-", r"+^daemon\."], "daemon", ["-*", "+daemon.*"]),
    (["-", r"+^[[:alnum:]]*\.debug:"], "debug", ["-*", "+*.debug:*"]),
    (["-", r"+^[[:alnum:]]*\.err:", r"+^[[:alnum:]]*\.error:", r"+^[[:alnum:]]*\.emerg:",
      r"+^[[:alnum:]]*\.alert:", r"+^[[:alnum:]]*\.crit:"], "errors",
     ["-*", "+*.err:*", "+*.error:*", "+*.emerg:*", "+*.alert:*", "+*.crit:*"]),
    (["-", r"+^kern\."], "kernel", ["-*", "+kern.*"]),
    (["-", r"+mail\."], "mail", ["-*", "+mail.*"]),
    (["-", r"+user\."], "user", ["-*", "+user.*"]),
    (["-", r"+^[[:alnum:]]*\.info:", r"+^[[:alnum:]]*\.notice:", r"+^[[:alnum:]]*\.warn:",
      r"-^auth\.", r"-^authpriv\.", r"-^cron\.", r"-daemon\.", r"-mail\."], "messages",
     ["-*", "+*.info:*", "+*.notice:*", "+*.warn:*", "-auth.*", "-authpriv.*", "-cron.*",
      "-daemon.*", "-mail.*"]),
    (["+", r"-^auth\.", r"-^authpriv\."], "everything", ["+*", "-auth.*", "-authpriv.*"]),
]

# The same routing in rsyslog's selector syntax, for peer:rsyslog.
RSYSLOG_ROUTES = [
    ("auth,authpriv.*", "secure"), ("cron.*", "cron"), ("daemon.*", "daemon"),
    ("*.=debug", "debug"), ("*.err", "errors"), ("kern.*", "kernel"), ("mail.*", "mail"),
    ("user.*", "user"),
    ("*.=info;*.=notice;*.=warning;auth,authpriv,cron,daemon,mail.none", "messages"),
    ("*.*;auth,authpriv.none", "everything"),
]


class Ctx:
    """Run-wide settings shared by scenarios."""

    def __init__(self, args):
        self.root = args.root or common.default_root()
        self.datadir = os.path.join(self.root, "data")
        self.workdir = os.path.join(self.root, "work")
        os.makedirs(self.workdir, exist_ok=True)
        self.args = args
        self.seq = 0

    def fresh_dir(self, tag):
        self.seq += 1
        d = os.path.join(self.workdir, f"{tag}-{os.getpid()}-{self.seq}")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d


# ------------------------------------------------------------------ peers

def parse_candidate(spec):
    if spec.startswith("peer:"):
        name = spec[5:]
        if name == "pylog":
            return ("s6log", [sys.executable, os.path.join(HELPERS, "py_rotating.py")], spec)
        if name not in ("multilog", "svlogd", "cat", "rsyslog", "supervisord", "circus",
                        "tini", "dumb-init"):
            raise SystemExit(f"unknown peer {spec!r}")
        return (name, None, spec)
    return ("cmd", shlex.split(spec), spec)


def logger_argv(cand, opts, blocks, ctl, ts, base, dry=False):
    """argv for one logger run.  blocks: [(s6 selections, dirname, globs)].
    Creates the logdirs (and svlogd's config files) unless dry.
    Returns (argv, stdout_path or None, notes)."""
    kind, cmd, _ = cand
    dirs = [os.path.join(base, b[1]) for b in blocks]
    if not dry:
        for d in dirs:
            os.makedirs(d, exist_ok=True)
    notes = []
    if kind in ("cmd", "s6log"):
        argv = list(cmd) + list(opts) + ["--"]
        for (sel, _, _), d in zip(blocks, dirs):
            argv += list(sel) + list(ctl) + ([ts] if ts else []) + [d]
        return argv, None, notes
    if kind == "cat":
        notes.append("limit: cat > one file, no rotation, no fsync")
        return ["cat"], os.path.join(dirs[-1], "current"), notes
    if kind == "multilog":
        argv = ["multilog"]
        if ts:
            argv.append("t")
            if ts == "T":
                notes.append("approx: multilog has no ISO 8601 stamp, TAI64N (t) used")
        for (sel, _, globs), d in zip(blocks, dirs):
            if sel and not globs:
                raise Unsupported("selection not expressible as multilog globs")
            for g in globs:
                pat = g[1:]
                if ts and pat != "*":
                    pat = "* " + pat   # multilog matches after its timestamp
                argv.append(g[0] + pat)
            argv += list(ctl) + [d]
        return argv, None, notes
    if kind == "svlogd":
        argv = ["svlogd"]
        if ts == "t":
            argv.append("-t")
        elif ts == "T":
            argv.append("-ttt")
            notes.append("approx: svlogd -ttt (UTC 'YYYY-MM-DDTHH:MM:SS.xxxxx') for T")
        for (sel, _, globs), d in zip(blocks, dirs):
            if sel and not globs:
                raise Unsupported("selection not expressible as svlogd patterns")
            if not dry:
                with open(os.path.join(d, "config"), "w") as f:
                    f.write("\n".join(list(ctl) + list(globs)) + "\n")
        argv += dirs
        notes.append("each logdir's config: " + " ".join(ctl) + " + its globs")
        return argv, None, notes
    raise Unsupported(f"{cand[2]} is not a logger")


# ------------------------------------------------------------------ logger scenarios

class LoggerScenario:
    """Logger consumes a pre-generated input fed from a file on its stdin
    (feed='file'; --feed pipe puts a 'cat FILE |' in front)."""

    kind = "logger"
    keys = ["wall_s", "cpu_s", "user_s", "sys_s", "maxrss_kb", "MB_s"]

    def __init__(self, name, title, input_kind, opts, blocks, ctl, ts, check_tail=True):
        self.name, self.title, self.input_kind = name, title, input_kind
        self.opts, self.blocks, self.ctl, self.ts = opts, blocks, ctl, ts
        self.check_tail = check_tail

    def prepare(self, ctx):
        self.meta = gen.ensure(self.input_kind, ctx.datadir, ctx.args.size_mb)
        return self

    def _opts(self, cand):
        return self.opts

    def describe(self, cand, ctx):
        argv, _, notes = logger_argv(cand, self._opts(cand), self.blocks, self.ctl, self.ts, "DIR",
                                     dry=True)
        return " ".join(shlex.quote(a) for a in argv), notes

    def run_once(self, cand, ctx):
        base = ctx.fresh_dir(self.name)
        argv, out_path, notes = logger_argv(cand, self.opts, self.blocks, self.ctl, self.ts, base)
        errpath = os.path.join(base, "stderr")
        err = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644) if out_path else None
        extra = {3: common.devnull(True)} if "-d3" in self.opts or "-d" in self.opts else None
        feeder = None
        try:
            if ctx.args.feed == "pipe":
                r, w = os.pipe2(os.O_CLOEXEC)
                feeder = common.spawn(["cat", self.meta["path"]], stdout=w)
                os.close(w)
                child = common.spawn(argv, stdin=r, stdout=out, stderr=err, extra=extra, timed=True)
                os.close(r)
            else:
                fin = os.open(self.meta["path"], os.O_RDONLY | os.O_CLOEXEC)
                child = common.spawn(argv, stdin=fin, stdout=out, stderr=err, extra=extra, timed=True)
                os.close(fin)
            child.wait(ctx.args.timeout)
            if feeder:
                feeder.wait(10)
        finally:
            os.close(err)
            if out is not None:
                os.close(out)
        fig = child.figures()
        fig["MB_s"] = self.meta["bytes"] / 1e6 / fig["wall_s"]
        fig["rc"] = child.rc
        problems = []
        if child.rc != 0:
            problems.append(f"exit {child.rc}: " + _tail(errpath))
        if self.check_tail:
            problems += _check_tail(os.path.join(base, self.blocks[-1][1], "current"),
                                    self.meta["last_line"])
        fig["problems"] = problems
        fig["notes"] = notes
        if not ctx.args.keep:
            shutil.rmtree(base, ignore_errors=True)
        return fig


def _tail(path, n=300):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - n))
            return f.read().decode(errors="replace").strip().replace("\n", " | ")
    except OSError:
        return ""


def _check_tail(current, last_line):
    """The newest line written must end like the input's last line.  When the
    run ended exactly on a rotation, current is empty: look at the newest
    archive (@TAI64N names sort by time; RotatingFileHandler's is current.1)."""
    try:
        if os.path.getsize(current) == 0:
            d = os.path.dirname(current)
            arch = sorted(n for n in os.listdir(d) if n.startswith("@"))
            if arch:
                current = os.path.join(d, arch[-1])
            elif os.path.exists(current + ".1"):
                current = current + ".1"
    except OSError:
        pass
    try:
        with open(current, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 65536))
            data = f.read()
    except OSError as e:
        return [f"no output: {e}"]
    if not data.endswith(b"\n"):
        return ["output does not end with a newline"]
    got = data[:-1].rsplit(b"\n", 1)[-1]
    want = last_line.encode()[-40:]
    if not got.endswith(want):
        return [f"last output line does not end with the input's last line: {got[-60:]!r}"]
    return []


class SmallWrites(LoggerScenario):
    """e: a producer writes one line per write(2), unbuffered, into a pipe."""

    keys = ["wall_s", "cpu_s", "user_s", "sys_s", "maxrss_kb", "producer_cpu_s", "lines_s"]

    def prepare(self, ctx):
        self.meta = gen.ensure("typical", ctx.datadir, ctx.args.size_mb)
        self.nlines = min(ctx.args.lines, self.meta["lines"])
        # last line actually sent
        with open(self.meta["path"], "rb") as f:
            for i, line in enumerate(f):
                if i == self.nlines - 1:
                    self.last = line.rstrip(b"\n").decode()
                    break
        return self

    def run_once(self, cand, ctx):
        base = ctx.fresh_dir(self.name)
        argv, out_path, notes = logger_argv(cand, self.opts, self.blocks, self.ctl, self.ts, base)
        errpath = os.path.join(base, "stderr")
        err = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644) if out_path else None
        data_r, data_w = os.pipe2(os.O_CLOEXEC)
        go_r, go_w = os.pipe2(os.O_CLOEXEC)
        rd_r, rd_w = os.pipe2(os.O_CLOEXEC)
        prod = common.spawn([sys.executable, os.path.join(HELPERS, "producer.py"),
                             self.meta["path"], str(self.nlines)],
                            stdin=go_r, stdout=data_w, stderr=err, extra={3: rd_w}, timed=True)
        os.close(go_r)
        os.close(data_w)
        os.close(rd_w)
        if os.read(rd_r, 1) != b"r":
            raise RuntimeError("producer failed: " + _tail(errpath))
        os.close(rd_r)
        child = common.spawn(argv, stdin=data_r, stdout=out, stderr=err, timed=True)
        os.close(data_r)
        t_go = time.perf_counter()
        os.write(go_w, b"g")
        os.close(go_w)
        child.wait(ctx.args.timeout)
        prod.wait(ctx.args.timeout)
        os.close(err)
        if out is not None:
            os.close(out)
        fig = child.figures()
        fig["wall_s"] = child.t_exit - t_go
        fig["producer_cpu_s"] = prod.figures()["cpu_s"]
        fig["lines_s"] = self.nlines / fig["wall_s"]
        fig["rc"] = child.rc
        problems = [] if child.rc == 0 else [f"exit {child.rc}: " + _tail(errpath)]
        problems += _check_tail(os.path.join(base, self.blocks[-1][1], "current"), self.last)
        fig["problems"], fig["notes"] = problems, notes
        if not ctx.args.keep:
            shutil.rmtree(base, ignore_errors=True)
        return fig


def _ready_opts(self, cand):
    if cand[0] == "cat":
        raise Unsupported("cat is no logger")
    return (["-d3"] if cand[0] in ("cmd", "s6log") else []) + self.opts


class Idle(LoggerScenario):
    """g: RSS of one idle logger after start-up (stdin open, nothing sent)."""

    _opts = _ready_opts

    keys = ["rss_kb", "pss_kb", "py_rss_kb", "py_pss_kb"]

    def prepare(self, ctx):
        return self

    def run_once(self, cand, ctx):
        base = ctx.fresh_dir(self.name)
        if cand[0] == "cat":
            raise Unsupported("cat is no logger")
        s6like = cand[0] in ("cmd", "s6log")
        argv, out_path, notes = logger_argv(cand, self._opts(cand), self.blocks, self.ctl, self.ts, base)
        in_r, in_w = os.pipe2(os.O_CLOEXEC)
        rd_r, rd_w = os.pipe2(os.O_CLOEXEC)
        child = common.spawn(argv, stdin=in_r, extra={3: rd_w} if s6like else None)
        os.close(in_r)
        os.close(rd_w)
        if s6like:
            common.select_read(rd_r, 10)
        time.sleep(0.3 if s6like else 0.5)
        mem = common.proc_mem(child.pid)
        os.close(rd_r)
        os.close(in_w)
        child.wait(10)
        fig = {"rss_kb": mem["rss_kb"], "pss_kb": mem["pss_kb"], "notes": notes, "problems": []}
        # the interpreter's own floor, measured the same way, same run
        if ctx.args.pyref:
            py = common.spawn([ctx.args.python, "-c", "import time; time.sleep(5)"])
            time.sleep(0.8)
            pm = common.proc_mem(py.pid)
            py.signal(signal.SIGKILL)
            py.wait(5)
            fig["py_rss_kb"], fig["py_pss_kb"] = pm["rss_kb"], pm["pss_kb"]
        if not ctx.args.keep:
            shutil.rmtree(base, ignore_errors=True)
        return fig


class Startup(LoggerScenario):
    """h: spawn -> readiness (-d 3 newline) and spawn -> first line in current.
    One line is written to the logger's stdin right after the spawn."""

    keys = ["ready_ms", "first_ms"]
    _opts = _ready_opts

    def prepare(self, ctx):
        return self

    def run_once(self, cand, ctx):
        if cand[0] == "cat":
            raise Unsupported("cat is no logger")
        base = ctx.fresh_dir(self.name)
        s6like = cand[0] in ("cmd", "s6log")
        argv, _, notes = logger_argv(cand, self._opts(cand), self.blocks, self.ctl, self.ts, base)
        current = os.path.join(base, self.blocks[-1][1], "current")
        in_r, in_w = os.pipe2(os.O_CLOEXEC)
        rd_r, rd_w = os.pipe2(os.O_CLOEXEC)
        child = common.spawn(argv, stdin=in_r, extra={3: rd_w} if s6like else None)
        os.close(in_r)
        os.close(rd_w)
        os.write(in_w, b"first line after start\n")
        t_ready = t_first = None
        waiting = [rd_r] if s6like else []
        deadline = child.t0 + 10
        while time.perf_counter() < deadline and t_first is None:
            if waiting:
                r, _, _ = select.select(waiting, [], [], 0.0002)
                if r:
                    t_ready = time.perf_counter()
                    waiting = []
            else:
                time.sleep(0.0002)
            try:
                if os.stat(current).st_size > 0:
                    t_first = time.perf_counter()
            except FileNotFoundError:
                pass
        if t_ready is None and waiting:
            r, _, _ = select.select(waiting, [], [], 0)
            if r:
                t_ready = t_first
        os.close(rd_r)
        os.close(in_w)
        child.wait(10)
        fig = {"ready_ms": (t_ready - child.t0) * 1e3 if t_ready else None,
               "first_ms": (t_first - child.t0) * 1e3 if t_first else None,
               "notes": notes, "problems": [] if t_first else ["no line written within 10 s"]}
        if not s6like:
            fig["notes"] = notes + ["no readiness notification: first line only"]
        if not ctx.args.keep:
            shutil.rmtree(base, ignore_errors=True)
        return fig


# ------------------------------------------------------------------ syslog

class Syslog:
    """Datagrams/s through CANDIDATE (s6-socklog's command line: it gets
    '-d 3 -x SOCKET') piped into BACKEND (s6-log's command line, the
    syslogd-overlay routing script with $T), N concurrent blocking AF_UNIX
    SOCK_DGRAM senders.  Time: 'go' to the moment the last message is visible
    in the logdirs; loss: lines in everything/ + secure/ (which partition all
    messages) versus messages sent."""

    kind = "syslog"
    keys = ["dgram_s", "lost", "wall_s", "cpu_s", "sock_cpu_s", "log_cpu_s", "sock_maxrss_kb",
            "log_maxrss_kb"]

    def __init__(self, name, senders, total, ctl, ts):
        self.name, self.senders, self.total = name, senders, total
        self.title = f"syslog: {senders} sender(s), {total} datagrams"
        self.ctl, self.ts = ctl, ts

    def prepare(self, ctx):
        return self

    def describe(self, cand, ctx):
        if cand[0] == "rsyslog":
            return ("rsyslogd -n -f DIR/rsyslog.conf -i DIR/rsyslogd.pid"
                    + (" -M MODDIR" if ctx.args.rsyslog_moddir else "")
                    + "   (imuxsock on DIR/log.sock, RateLimit.Interval=0, the same routing as "
                      "selectors, one file per logdir, no rotation)"), []
        spec = ctx.args.backend
        if getattr(ctx.args, "vs_backend", None) and cand[2] == ctx.args.vs:
            spec = ctx.args.vs_backend
        b = logger_argv(parse_candidate(spec), ["-d3"], ROUTES, self._ctl(), self.ts,
                        "DIR", dry=True)[0]
        s = _syslog_argv(cand, "DIR/log.sock")
        return " ".join(map(shlex.quote, s)) + " | " + " ".join(map(shlex.quote, b)), []

    def _ctl(self):
        # keep every line: enough archives for the whole run (rotation cost unchanged)
        need = int(self.total * 140 / 1e6) + 5
        return [("n%d" % max(20, need)) if c.startswith("n") else c for c in self.ctl]

    def run_once(self, cand, ctx):
        base = ctx.fresh_dir(self.name)
        sock = os.path.join(base, "log.sock")
        errpath = os.path.join(base, "stderr")
        err = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        procs = []
        try:
            if cand[0] == "rsyslog":
                dirs = self._start_rsyslog(ctx, base, sock, err, procs)
            else:
                dirs = self._start_s6(cand, ctx, base, sock, err, procs)
            counter = common.DirLineCounter([dirs["everything"], dirs["secure"]])
            per = [self.total // self.senders + (1 if i < self.total % self.senders else 0)
                   for i in range(self.senders)]
            senders, gos = [], []
            for i, n in enumerate(per):
                go_r, go_w = os.pipe2(os.O_CLOEXEC)
                rd_r, rd_w = os.pipe2(os.O_CLOEXEC)
                outp = os.path.join(base, f"sender{i}.out")
                o = os.open(outp, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
                s = common.spawn([sys.executable, os.path.join(HELPERS, "sender.py"), sock, str(n),
                                  str(1000 + i)], stdin=go_r, stdout=o, stderr=err, extra={3: rd_w})
                os.close(o)
                os.close(go_r)
                os.close(rd_w)
                senders.append((s, rd_r))
                gos.append(go_w)
            for s, rd_r in senders:
                if os.read(rd_r, 1) != b"r":
                    raise RuntimeError("sender failed: " + _tail(errpath))
                os.close(rd_r)
            t_go = time.perf_counter()
            for g in gos:
                os.write(g, b"g")
                os.close(g)
            last_change, seen, t_done = time.perf_counter(), 0, None
            while True:
                n = counter.poll()
                now = time.perf_counter()
                if n >= self.total:
                    t_done = now
                    break
                if n != seen:
                    seen, last_change = n, now
                elif now - last_change > 3.0 and all(s.exited() for s, _ in senders):
                    break
                if now - t_go > ctx.args.timeout:
                    break
                time.sleep(0.002)
            for s, _ in senders:
                s.wait(30)
            lost = self.total - counter.poll()
            fig = {"wall_s": (t_done or time.perf_counter()) - t_go, "lost": lost}
            fig["dgram_s"] = self.total / fig["wall_s"] if t_done else None
            # peak RSS while alive (VmHWM), then stop the pipeline: SIGTERM the
            # front end; the backend then sees EOF and exits
            hwm = {role: common.proc_mem(p.pid)["hwm_kb"] for role, p in procs}
            for role, p in procs:
                p.signal(signal.SIGTERM)
                p.wait(15)
                f = p.figures()
                fig[f"{role}_cpu_s"] = f["cpu_s"]
                fig[f"{role}_maxrss_kb"] = hwm[role]
                fig["cpu_s"] = fig.get("cpu_s", 0) + f["cpu_s"]
            fig["problems"] = [] if lost == 0 else [f"{lost} of {self.total} messages not found"]
            fig["notes"] = []
            return fig
        finally:
            for _, p in procs:
                if p.rusage is None:
                    p.signal(signal.SIGKILL)
                    p.wait(5)
            os.close(err)
            if not ctx.args.keep:
                shutil.rmtree(base, ignore_errors=True)

    def _start_s6(self, cand, ctx, base, sock, err, procs):
        dirs = {name: os.path.join(base, name) for _, name, _ in ROUTES}
        # s6py: --vs-backend gives the --vs side its own logger, so that
        # "syslogd | logd" can be measured against "s6-socklog | s6-log".
        spec = ctx.args.backend
        if getattr(ctx.args, "vs_backend", None) and cand[2] == ctx.args.vs:
            spec = ctx.args.vs_backend
        back = parse_candidate(spec)
        bargv = logger_argv(back, ["-d3"], ROUTES, self._ctl(), self.ts, base)[0]
        pr, pw = os.pipe2(os.O_CLOEXEC)
        r1, w1 = os.pipe2(os.O_CLOEXEC)
        r2, w2 = os.pipe2(os.O_CLOEXEC)
        logp = common.spawn(bargv, stdin=pr, stderr=err, extra={3: w1})
        sockp = common.spawn(_syslog_argv(cand, sock), stdout=pw, stderr=err, extra={3: w2})
        procs += [("sock", sockp), ("log", logp)]
        for fd in (pr, pw, w1, w2):
            os.close(fd)
        for fd in (r1, r2):
            if not common.select_read(fd, 10):
                raise RuntimeError("pipeline not ready: " + _tail(os.path.join(base, "stderr")))
            os.close(fd)
        return dirs

    def _start_rsyslog(self, ctx, base, sock, err, procs):
        rs = ctx.args.rsyslogd
        moddir = ctx.args.rsyslog_moddir
        dirs = {}
        lines = [f'global(workDirectory="{base}")',
                 'module(load="imuxsock" SysSock.Use="off")',
                 f'input(type="imuxsock" Socket="{sock}" RateLimit.Interval="0")',
                 # the line s6-socklog | s6-log T would write
                 'template(name="s6like" type="string" string="%timegenerated:::date-rfc3339%  '
                 '%syslogfacility-text%.%syslogseverity-text%: %rawmsg-after-pri%\\n")']
        for sel, name in RSYSLOG_ROUTES:
            d = os.path.join(base, name)
            os.makedirs(d)
            dirs[name] = d
            lines.append(f"{sel}\t{os.path.join(d, 'current')};s6like")
        conf = os.path.join(base, "rsyslog.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        argv = [rs, "-n", "-f", conf, "-i", os.path.join(base, "rsyslogd.pid")]
        if moddir:
            argv += ["-M", moddir]
        p = common.spawn(argv, stderr=err)
        procs.append(("sock", p))
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.connect(sock)
                s.close()
                break
            except OSError:
                time.sleep(0.005)
        else:
            raise RuntimeError("rsyslogd not ready: " + _tail(os.path.join(base, "stderr")))
        return dirs


def _syslog_argv(cand, sock):
    kind, cmd, spec = cand
    if kind not in ("cmd", "s6log"):
        raise Unsupported(f"{spec} has no s6-socklog command line")
    return list(cmd) + ["-d", "3", "-x", sock]


# ------------------------------------------------------------------ supervision

class Supervise:
    """Time from spawning a supervisor to all N trivial services running, and
    the memory of the supervisor tree.  Each service's run script announces
    itself on a FIFO, then execs 'sleep'.  CANDIDATE gets s6-svscan's command
    line: one scan directory."""

    kind = "supervise"
    keys = ["up_ms", "sup_rss_kb", "sup_pss_kb", "sup_procs", "svc_rss_kb"]

    def __init__(self, name, nsvc):
        self.name, self.nsvc = name, nsvc
        self.title = f"supervise: {nsvc} trivial services"

    def prepare(self, ctx):
        return self

    def describe(self, cand, ctx):
        argv, _ = self._argv(cand, ctx, "DIR", dry=True)
        argv[0] = os.path.basename(argv[0])
        return " ".join(map(shlex.quote, argv)), []

    def _argv(self, cand, ctx, base, dry=False):
        kind, cmd, spec = cand
        scan = os.path.join(base, "scan")
        runs = [os.path.join(scan, f"svc{i:02d}", "run") for i in range(self.nsvc)]
        if kind in ("cmd", "s6log"):
            return list(cmd) + [scan], runs
        if kind == "supervisord":
            conf = os.path.join(base, "supervisord.conf")
            if not dry:
                with open(conf, "w") as f:
                    f.write(f"[supervisord]\nnodaemon=true\nlogfile={base}/supervisord.log\n"
                            f"pidfile={base}/supervisord.pid\nchildlogdir={base}\n\n")
                    for i, r in enumerate(runs):
                        f.write(f"[program:svc{i:02d}]\ncommand={r}\nautostart=true\n\n")
            return [ctx.args.supervisord, "-c", conf], runs
        if kind == "circus":
            conf = os.path.join(base, "circus.ini")
            if not dry:
                with open(conf, "w") as f:
                    f.write(f"[circus]\nendpoint=ipc://{base}/ctl.sock\n"
                            f"pubsub_endpoint=ipc://{base}/pub.sock\nstatsd=False\n"
                            f"check_delay=5\n\n")
                    for i, r in enumerate(runs):
                        f.write(f"[watcher:svc{i:02d}]\ncmd={r}\nnumprocesses=1\n\n")
            return [ctx.args.circusd, conf], runs
        if kind == "tini":
            return ["tini", "-s", "--", "sleep", "60"], []
        if kind == "dumb-init":
            return ["dumb-init", "sleep", "60"], []
        raise Unsupported(f"{spec} is no supervisor")

    def run_once(self, cand, ctx):
        base = ctx.fresh_dir(self.name)
        fifo = os.path.join(base, "up.fifo")
        os.mkfifo(fifo)
        argv, runs = self._argv(cand, ctx, base)
        for i, r in enumerate(runs):
            os.makedirs(os.path.dirname(r))
            with open(r, "w") as f:
                f.write(f"#!/bin/sh\necho \"svc{i:02d} $$\" > {fifo}\nexec sleep 60\n")
            os.chmod(r, 0o755)
        fr = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        fw = os.open(fifo, os.O_WRONLY | os.O_CLOEXEC)   # keeps the FIFO from EOF
        errpath = os.path.join(base, "stderr")
        err = os.open(errpath, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        child = common.spawn(argv, stderr=err, stdout=err)
        svc_pids, buf, t_up, recorded = {}, b"", None, {}
        try:
            deadline = child.t0 + 30
            while len(svc_pids) < len(runs) and time.perf_counter() < deadline:
                r, _, _ = select.select([fr], [], [], 0.5)
                if r:
                    buf += os.read(fr, 4096)
                    *done, buf = buf.split(b"\n")
                    for line in done:
                        name, pid = line.split()
                        svc_pids[name.decode()] = int(pid)
                    if len(svc_pids) == len(runs):
                        t_up = time.perf_counter()
            time.sleep(ctx.args.settle)
            tree = common.descendants(child.pid)
            tree[child.pid] = common.proc_starttime(child.pid)
            recorded = dict(tree)
            if runs:
                svc = set(svc_pids.values())
                for p in list(svc):
                    svc |= set(common.descendants(p))
                sup = [p for p in tree if p not in svc]
            else:   # init only: the init process is the tree, its child the service
                sup = [child.pid]
                svc = set(tree) - {child.pid}
            mem = [common.proc_mem(p) for p in sup]
            smem = [common.proc_mem(p) for p in svc if p in tree]
            fig = {"up_ms": (t_up - child.t0) * 1e3 if t_up else None,
                   "sup_rss_kb": sum(m["rss_kb"] or 0 for m in mem),
                   "sup_pss_kb": sum(m["pss_kb"] or 0 for m in mem),
                   "sup_procs": len(sup),
                   "svc_rss_kb": sum(m["rss_kb"] or 0 for m in smem),
                   "notes": [], "problems": []}
            if runs and t_up is None:
                fig["problems"].append(f"only {len(svc_pids)} of {len(runs)} services came up: "
                                       + _tail(errpath))
            if not runs:
                fig["notes"].append("init only: one child (sleep), no services")
                fig["up_ms"] = None
            return fig
        finally:
            child.signal(signal.SIGTERM)
            child.wait(15)
            time.sleep(0.05)
            common.kill_recorded(recorded)
            os.close(fr)
            os.close(fw)
            os.close(err)
            if not ctx.args.keep:
                shutil.rmtree(base, ignore_errors=True)


# ------------------------------------------------------------------ registry

def build(args):
    """Scenario name -> instance.  ctl/ts of the s6-overlay default logger."""
    dflt_ctl, ts = ["n20", "s1000000"], "T"
    one = [([], "log", [])]
    words = args.route_T.split()
    r_ts = "T" if "T" in words else ("t" if "t" in words else None)
    r_ctl = [w for w in words if w not in ("t", "T")]
    sc = {
        "default": LoggerScenario("default", "a: -b n20 s1000000 T DIR, ~100-byte lines",
                                  "typical", ["-b"], one, dflt_ctl, ts),
        "nob": LoggerScenario("nob", "b: n20 s1000000 T DIR (no -b)", "typical", [], one, dflt_ctl, ts),
        "tai": LoggerScenario("tai", "c: -b n20 s1000000 t DIR (TAI64N)", "typical", ["-b"], one,
                              dflt_ctl, "t"),
        "route": LoggerScenario("route", f"d: syslogd-overlay routing, $T='{args.route_T}'",
                                "syslogmix", ["-d3"], ROUTES, r_ctl, r_ts, check_tail=False),
        "small-writes": SmallWrites("small-writes",
                                    f"e: one line per write(2), {args.lines} lines, -b n20 s1000000 T",
                                    "typical", ["-b"], one, dflt_ctl, ts),
        "long8k": LoggerScenario("long8k", "f1: 8100-byte lines, -b n20 s1000000 T", "long8k", ["-b"],
                                 one, dflt_ctl, ts),
        "overlimit": LoggerScenario("overlimit", "f2: 20000-byte lines (> 8192 limit), -b n20 s1000000 T",
                                    "overlimit", ["-b"], one, dflt_ctl, ts),
        "idle": Idle("idle", "g: idle RSS after start (-b n20 s1000000 T)", None, ["-b"], one, dflt_ctl, ts),
        "startup": Startup("startup", "h: start-up latency (-b n20 s1000000 T)", None, ["-b"], one,
                           dflt_ctl, ts),
        "supervise": Supervise("supervise", args.services),
    }
    for n in args.senders:
        sc[f"syslog{n}"] = Syslog(f"syslog{n}", n, args.messages, r_ctl, r_ts)
    return sc


ALIASES = {"a": ["default"], "b": ["nob"], "c": ["tai"], "d": ["route"], "e": ["small-writes"],
           "f": ["long8k", "overlimit"], "g": ["idle"], "h": ["startup"],
           "logger": ["default", "nob", "tai", "route", "small-writes", "long8k", "overlimit",
                      "idle", "startup"]}
