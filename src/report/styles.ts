/** The report's stylesheet (inlined; its hash goes into the Content-Security-Policy). */
export const REPORT_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d8dee4;--soft:#f6f8fa;--accent:#0072B2;--accent-soft:#e7f1f8;--pass:#0072B2;--fail:#b34700;--fail-soft:#fbeee6;--warn:#8a6100;--warn-soft:#fff8e1;--band:#009E73;--radius:8px;--mono:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans",Arial,sans-serif;font-variant-numeric:tabular-nums}
.wrap{max-width:1200px;margin:0 auto;padding:0 28px}
a{color:var(--accent)}
code,kbd,pre{font-family:var(--mono);font-size:.92em}
code{background:var(--soft);border:1px solid #eaeef2;border-radius:4px;padding:0 4px;overflow-wrap:anywhere}
kbd{border:1px solid var(--line);border-bottom-width:2px;border-radius:4px;padding:0 4px;background:#fff}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.skip{position:absolute;left:-9999px;top:8px;background:#fff;padding:6px 10px;border:2px solid var(--accent);z-index:10}
.skip:focus{left:8px}
:focus-visible{outline:3px solid #E69F00;outline-offset:2px}
.report-header{background:#12263a;color:#fff;padding:26px 0 20px}
.report-header h1{margin:2px 0 14px;font-size:26px;line-height:1.25;font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:11.5px;color:#9fc3e0;font-weight:600}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px 24px;margin:0}
.meta div{min-width:0}
.meta dt{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:#9fb4c7}
.meta dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.meta code{background:rgba(255,255,255,.1);border-color:rgba(255,255,255,.18);color:#fff}
.toc{position:sticky;top:0;z-index:5;background:rgba(255,255,255,.97);border-bottom:1px solid var(--line)}
.toc ul{display:flex;flex-wrap:wrap;gap:2px 4px;list-style:none;margin:0;padding:8px 0}
.toc a{display:block;padding:3px 10px;border-radius:999px;text-decoration:none;color:var(--fg);font-size:13px}
.toc a:hover{background:var(--soft)}
main{padding-bottom:40px}
.section{padding:26px 0 8px;border-bottom:1px solid #eef1f4}
.section h2{font-size:20px;margin:0 0 12px;font-weight:650;letter-spacing:-.01em}
.section h3{font-size:15.5px;margin:24px 0 8px;font-weight:650}
.section h4{font-size:14px;margin:18px 0 6px;font-weight:600;color:#333}
.lede{font-size:15px;margin:0 0 14px}
.note,.muted{color:var(--muted)}
.note{font-size:12.5px;margin:6px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(168px,1fr));gap:10px;margin:8px 0 6px}
.card{border:1px solid var(--line);border-radius:var(--radius);padding:10px 12px;background:#fff;box-shadow:0 1px 0 rgba(27,31,36,.04)}
.card-label{font-size:12px;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card-value{font-size:24px;font-weight:600;line-height:1.25;margin-top:2px}
.card-ci{font-size:12px;color:var(--muted)}
.card-note{font-size:12px;color:var(--warn)}
.card.na .card-value{color:var(--muted)}
.card-delta{font-size:12px;margin-top:2px;color:var(--muted)}
.card-delta.big{color:var(--fail);font-weight:600}
.table-wrap.narrow{display:inline-block;width:auto;vertical-align:top;margin-right:16px}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:var(--radius);margin:6px 0 8px;max-width:100%}
table.data{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
table.data caption{text-align:left;padding:8px 10px;font-weight:600;caption-side:top}
table.data th,table.data td{padding:6px 10px;border-bottom:1px solid #eef1f4;text-align:left;vertical-align:top}
table.data thead th{background:var(--soft);font-size:12px;font-weight:600;color:#3d444d;white-space:nowrap;border-bottom:1px solid var(--line);position:sticky;top:0}
table.data tbody tr:last-child>*{border-bottom:0}
table.data tbody tr:hover>*{background:#fafbfc}
table.data .num{text-align:right;white-space:nowrap}
table.data tbody th{font-weight:600}
.group-table tbody th.key-col{position:sticky;left:0;background:#fff;z-index:1;min-width:90px;max-width:280px;overflow-wrap:anywhere}
.group-table thead th.key-col{position:sticky;left:0;z-index:2}
td .v{display:block}
.metric-list td,.metric-list th{padding:4px 10px}
.confusion caption{font-size:13px}
.confusion td .sub{font-size:11px}
details.more{margin:4px 0 10px}
details.more>summary{cursor:pointer;color:var(--accent);font-size:13px;font-weight:600;padding:4px 0;width:max-content}
.more-grid{display:flex;flex-wrap:wrap;gap:0 16px;align-items:flex-start}
.disparity-table tbody th{white-space:nowrap}
.disparity-table td:nth-child(2),.disparity-table td:nth-child(3){min-width:110px;max-width:240px;overflow-wrap:anywhere}
.cohort-table td.expr{min-width:180px;max-width:320px}
.cohort-table td.expr code{white-space:pre-wrap}
td .ci{display:block;font-size:11.5px;color:var(--muted)}
td.na{color:var(--muted);cursor:help}
.sub{display:block;font-weight:400;font-size:12px;color:var(--muted)}
.badge{display:inline-block;font-size:11px;font-weight:600;border-radius:999px;padding:0 7px;margin-left:4px;vertical-align:1px;line-height:17px}
.badge.ref{background:var(--accent-soft);color:#004f7c;border:1px solid #b8d5ea}
.badge.small{background:var(--warn-soft);color:var(--warn);border:1px solid #f0d98c}
tr.small-group>*{background:#fffdf5}
.pass{color:var(--pass);font-weight:600}
.fail{color:var(--fail);font-weight:600}
tr.worst>*{background:var(--fail-soft)}
tr.worst:hover>*{background:#f8e3d6}
.flag{color:var(--fail)}
.count-badge{display:inline-block;min-width:20px;text-align:center;font-size:11.5px;border-radius:999px;background:var(--soft);border:1px solid var(--line);padding:0 6px;vertical-align:2px;font-weight:600}
.warnings{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px;align-items:start}
.warn-block{border:1px solid var(--line);border-left:4px solid #E69F00;border-radius:var(--radius);padding:4px 14px 6px;background:#fff}
.warn-block.warn-dropped_rows{border-left-color:#D55E00}
.warn-block.warn-undefined_metric{border-left-color:#56B4E9}
.warn-block h3{font-size:14px;margin:8px 0 4px;display:inline}
.warn-block>h3{display:block}
.warn-block ul{margin:4px 0 6px;padding-left:18px;font-size:13px}
.warn-block li{margin:2px 0}
.warn-block summary{cursor:pointer;padding:4px 0}
.ok-note{color:#00664a}
.figures{display:flex;flex-wrap:wrap;gap:14px 18px;align-items:flex-start;margin-top:8px}
.overview-curves{margin-top:18px}
.fig{margin:0;border:1px solid var(--line);border-radius:var(--radius);padding:8px 8px 4px;background:#fff}
.fig figcaption{font-size:12.5px;color:var(--muted);text-align:center;padding:2px 0 2px}
.fig.wide{display:block;padding:10px 12px 6px}
.fig figcaption{width:0;min-width:100%;overflow-wrap:anywhere}
svg.chart{display:block;max-width:100%;height:auto;font-size:11px}
svg.chart text{fill:#3d444d}
svg .tick{font-size:10.5px;fill:#57606a}
svg .axis-label{font-size:11px;fill:#3d444d}
svg .bar-label{font-size:12px}
svg .metric-label{font-size:12.5px;font-weight:600;fill:#1b1f24}
svg .col-head{font-size:11.5px;font-weight:600;fill:#57606a}
svg .block-sep{stroke:#eef1f4}
svg .bar-value{font-size:12px;font-weight:600}
svg .bar-value.fail{fill:var(--fail)}
svg .bar-value.na{fill:#57606a}
svg .grid{stroke:#e6eaee;stroke-width:1}
svg .frame{fill:none;stroke:#c9d1d9}
svg .plot-bg{fill:#fff}
svg .axis{stroke:#8c959f}
svg .ref{stroke:#8c959f;stroke-dasharray:4 3;stroke-width:1}
svg .ref-one{stroke:#1b1f24;stroke-width:1.5}
svg .marker{stroke:#6e7781;stroke-dasharray:2 2;stroke-width:1.2}
svg .band{fill:#009E73;fill-opacity:.13}
svg .band-edge{stroke:#009E73;stroke-dasharray:3 2;stroke-width:1}
svg .sym-pass{fill:none;stroke:#0072B2;stroke-width:2.2;stroke-linecap:round;stroke-linejoin:round}
svg .sym-fail{fill:none;stroke:#D55E00;stroke-width:2.4;stroke-linecap:round}
svg .bar-fail{stroke:#a33f00;stroke-width:1}
svg .count-bar{fill:#b6c2cd}
svg .clip{font-size:10px;fill:#57606a}
a.to-cohort{cursor:pointer}
svg a.to-cohort:hover circle,svg a.to-cohort:hover rect{stroke:#0072B2;stroke-width:2.5}
svg a.to-cohort:focus-visible{outline:none}
svg a.to-cohort:focus-visible circle,svg a.to-cohort:focus-visible rect{stroke:#E69F00;stroke-width:4}
svg .imp-bar.shap{fill:#0072B2}
svg .imp-bar.perm{fill:#E69F00}
svg .whisker{fill:none;stroke:#1b1f24;stroke-width:1.4}
svg .repeat{fill:#1b1f24;fill-opacity:.5}
svg .zero{stroke:#57606a;stroke-width:1}
svg .ice{fill:none;stroke:#0072B2;stroke-opacity:.14;stroke-width:1}
svg .pd{fill:none;stroke:#1b1f24;stroke-width:2.6}
svg .pd-dot{fill:#1b1f24}
.cell-bar{display:block;margin:2px 0 0 auto}
.cell-bar rect{fill:#56B4E9}
table.data td.shift{font-weight:700;background:var(--fail-soft)}
.shifts{margin:6px 0 10px;padding-left:18px;font-size:13px}
.shifts li{margin:3px 0}
.chart-key{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding:0;margin:4px 0 10px;font-size:12.5px;color:#3d444d;align-items:center}
.chart-key li{display:flex;align-items:center;gap:6px}
.chart-key .band{fill:#009E73;fill-opacity:.2;stroke:#009E73;stroke-dasharray:3 2}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding:0;margin:4px 0 8px;font-size:12.5px}
.legend li{display:flex;align-items:center;gap:6px}
.explore-form{margin:12px 0 6px;padding:14px 16px;border:1px solid var(--line);border-radius:var(--radius);background:var(--soft)}
.explore-form>label{display:block;font-weight:600;margin-bottom:6px}
.explore-row{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.explore-row input{flex:1 1 420px;min-width:0;font:15px var(--mono);padding:8px 10px;border:1px solid #afb8c1;border-radius:6px;background:#fff;color:var(--fg)}
.explore-row input[aria-invalid=true]{border-color:#D55E00;box-shadow:0 0 0 2px rgba(213,94,0,.15)}
.explore-row label.inline{font-size:13px;color:var(--muted)}
.explore-row select{flex:none;font:inherit;padding:7px 8px;border:1px solid #afb8c1;border-radius:6px;background:#fff}
button{font:inherit;cursor:pointer}
#cohort-run{background:var(--accent);color:#fff;border:1px solid #005a8c;border-radius:6px;padding:8px 18px;font-weight:600}
#cohort-run:hover{background:#005f94}
#cohort-run[disabled]{opacity:.6;cursor:progress}
.help{font-size:12.5px;color:var(--muted);margin:8px 0 0}
.example,.rerun{font:12px var(--mono);background:#fff;border:1px solid var(--line);border-radius:999px;padding:2px 10px;margin:2px 2px;color:#24292f}
.example:hover,.rerun:hover{border-color:var(--accent);color:var(--accent)}
.expr-error{margin:10px 0 0;padding:10px 12px;background:var(--fail-soft);border:1px solid #f1c4a8;border-left:4px solid #D55E00;border-radius:6px;white-space:pre-wrap;color:#6b2a00}
.sample-note{font-size:12.5px;color:var(--muted)}
.status{min-height:1.5em;font-size:13px;color:var(--muted)}
.cohort-card{border:1px solid #b8d5ea;border-radius:var(--radius);padding:2px 16px 10px;background:#fbfdff}
.cohort-card h3 code{font-size:.95em}
.columns{margin:16px 0}
.columns summary{cursor:pointer;font-weight:600}
footer{color:var(--muted);font-size:12px;padding:18px 0 30px}
@media (max-width:720px){.wrap{padding:0 14px}}
@media print{
  body{font-size:10.5pt}
  .toc,.skip,.explore-form,#cohort-status,.help,.columns,noscript{display:none!important}
  .report-header{background:none;color:#000;border-bottom:2px solid #000;padding:0 0 10px}
  .report-header .eyebrow,.meta dt{color:#444}
  .meta code{background:none;color:#000;border:0}
  .section{break-inside:auto;border:0}
  .card,.fig,tr,.warn-block,.cohort-card{break-inside:avoid}
  h2,h3,h4{break-after:avoid}
  .table-wrap{overflow:visible;border:0}
  table.data thead th{position:static}
  .group-table tbody th.key-col{position:static}
  a{color:#000;text-decoration:none}
  .card,.fig,.table-wrap{box-shadow:none}
}
`.trim();
