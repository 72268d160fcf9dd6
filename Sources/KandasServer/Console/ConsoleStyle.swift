/// The console's stylesheet: plain CSS served by the server itself (no CDN, no web fonts).
enum ConsoleStyle {
    static let css = """
        :root { --ink: #1d2733; --muted: #5b6b7c; --line: #d5dde5; --accent: #0b5cad; --warn: #a64b00;
          --bad: #b00020; --good: #1b7a3a; --bg: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
          color: var(--ink); background: var(--bg); }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem;
          background: #12324f; color: #fff; }
        header a { color: #dce8f5; text-decoration: none; }
        header a[aria-current=page] { color: #fff; border-bottom: 2px solid #fff; }
        header .brand { font-weight: 600; color: #fff; }
        nav { display: flex; gap: .9rem; flex-wrap: wrap; }
        .signout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
        .role { font-size: .8rem; opacity: .8; }
        .langs strong { color: #fff; }
        main { padding: 1rem 1.2rem 3rem; max-width: 1400px; }
        h1 { font-size: 1.35rem; margin: .2rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        table { border-collapse: collapse; background: #fff; width: 100%; }
        th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #eef2f6; font-weight: 600; font-size: .85rem; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.report th { font-size: .7rem; font-weight: 500; writing-mode: horizontal-tb; min-width: 3rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .8rem; }
        .card { color: inherit; text-decoration: none; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; }
        .card .n { font-size: 1.8rem; font-weight: 600; display: block; }
        .card.alert .n { color: var(--warn); }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem .8rem; align-items: end; margin-bottom: 1rem;
          background: #fff; border: 1px solid var(--line); padding: .7rem; border-radius: 6px; }
        form.filters label { display: flex; flex-direction: column; font-size: .8rem; color: var(--muted); }
        input, select, textarea, button { font: inherit; padding: .25rem .4rem; }
        button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .35rem .8rem;
          cursor: pointer; }
        button.danger { background: var(--bad); }
        .flag { display: inline-block; font-size: .75rem; padding: 0 .35rem; border-radius: 3px;
          background: #fde9d9; color: var(--warn); margin: 0 .2rem .2rem 0; }
        .state-approved { color: var(--good); } .state-rejected { color: var(--bad); }
        .state-has_issues { color: var(--warn); }
        .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
        .panel { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; }
        .media img, .media video { max-width: 100%; max-height: 420px; display: block; margin: .3rem 0; }
        .media iframe { width: 100%; height: 480px; border: 1px solid var(--line); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
        dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
        code, .hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem;
          overflow-wrap: anywhere; }
        .notice { background: #e6f4ea; border: 1px solid #b7dfc2; padding: .5rem .8rem; border-radius: 4px; }
        .error { background: #fdecea; border: 1px solid #f5c2c0; padding: .5rem .8rem; border-radius: 4px; }
        .login { max-width: 360px; margin: 3rem auto; background: #fff; padding: 1.5rem; border-radius: 8px;
          border: 1px solid var(--line); display: flex; flex-direction: column; gap: .6rem; }
        .scroll { overflow-x: auto; max-width: 100%; }
        .muted { color: var(--muted); font-size: .85rem; }
        .pager { margin-top: .8rem; }
        .qr img { image-rendering: pixelated; width: 260px; height: 260px; }
        form.inline { display: inline; } fieldset.member { border: 1px solid var(--line); margin: .4rem 0; }
        .form-print .form-title { text-align: center; } .form-print .line { border-bottom: 1px solid #000; }
        figure.chart { margin: 1rem 0; background: #fff; border: 1px solid var(--line); border-radius: 6px;
          padding: .6rem .8rem; }
        figure.chart figcaption { font-weight: 600; margin-bottom: .4rem; }
        .chart-body { display: grid; grid-template-columns: minmax(0, auto) minmax(260px, 1fr); gap: 1rem;
          align-items: start; }
        .chart-body svg { max-width: 100%; height: auto; }
        table.chart-data, .chart-data table { font-size: .8rem; } .chart-data table { margin-bottom: .6rem; }
        .chart-data td, .chart-data th { padding: .15rem .4rem; }
        svg .grid { stroke: #e3e8ee; stroke-width: 1; } svg .axis, svg .legend { font-size: 11px; fill: #5b6b7c; }
        svg .c-received { fill: #0b5cad; } svg .c-verified { fill: #1b7a3a; } svg .c-backlog { fill: #a64b00; }
        svg .c-conflicts { fill: #b00020; } svg .c-overdue { fill: #6a3d9a; }
        svg .line { fill: none; stroke-width: 2; } svg .c-backlog.line { stroke: #a64b00; }
        svg .c-conflicts.line { stroke: #b00020; } svg .c-overdue.line { stroke: #6a3d9a; }
        svg .c-track { fill: #e3e8ee; } svg .c-done { fill: #1b7a3a; }
        svg .h0 { fill: #eef2f6; } svg .h1 { fill: #9cc3e8; } svg .h2 { fill: #4a8fd0; } svg .h3 { fill: #0b5cad; }
        svg .hc { fill: #d5dde6; } svg .q { fill: #e07b00; }
        svg .h-flag { fill: #b00020; } svg .h-silent { font-size: 11px; fill: #b00020; font-weight: 600; }
        svg .m-land { fill: #eef3f8; } svg .m-settlement { fill: #12324f; } svg .m-city { fill: #9aa8b6; }
        svg .m-city-name { font-size: 10px; fill: #9aa8b6; }
        svg .m-pending { fill: #e0a100; } svg .m-approved { fill: #1b7a3a; } svg .m-has_issues { fill: #a64b00; }
        svg .m-rejected { fill: #b00020; } svg .m-far { stroke: #b00020; stroke-width: 1.5; stroke-dasharray: 4 3; }
        @media print { header, nav, form, .noprint, .langs { display: none; } body { background: #fff; } }
        @page { size: A4; margin: 15mm; }
        .road-map { page-break-after: always; break-after: page; }
        .road-map:last-of-type { page-break-after: auto; break-after: auto; }
        """
}
