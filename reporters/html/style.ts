/** The page's only style sheet: inline, light and dark from the reader's setting, and a print layout. */
export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d5d9de;--card:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--info:#0969da;--esp:#8250df;--overlap:rgba(207,34,46,.18)}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9aa4ae;--line:#30363d;--card:#161b22;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--info:#58a6ff;--esp:#a371f7;--overlap:rgba(248,81,73,.25)}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}
header{display:flex;align-items:baseline;gap:16px;flex-wrap:wrap;border-bottom:1px solid var(--line)}
h1{font-size:20px;margin:14px 0}h2{font-size:17px;margin:26px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
a{color:var(--info)}
code,.where,.cidr,td.version,td.num{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.counts{display:flex;gap:14px;list-style:none;padding:0;margin:0}
.counts li{padding:4px 10px;border-radius:12px;background:var(--card);border:1px solid var(--line)}
.sev-error h3,.counts .sev-error a{color:var(--bad)}.sev-warning h3,.counts .sev-warning a{color:var(--warn)}.sev-info h3,.counts .sev-info a{color:var(--info)}
.count{color:var(--muted);font-weight:normal}
details.rule{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:6px 10px}
details.rule summary{cursor:pointer}.desc{color:var(--muted)}
.fix{margin:6px 0}
ul.findings{margin:4px 0;padding-left:18px}.finding{margin:3px 0}.where{color:var(--muted)}
.tag{font-size:11px;border:1px solid var(--line);border-radius:8px;padding:0 6px;color:var(--muted)}
.callout{border-left:4px solid var(--bad);padding:6px 10px;background:var(--card)}
.clean{color:var(--ok)}
table{border-collapse:collapse;margin:10px 0}caption{text-align:left;color:var(--muted);padding:4px 0}
th,td{border:1px solid var(--line);padding:3px 7px;text-align:left}td.num,th.num{text-align:right}
table.mesh td.cell{text-align:center;min-width:36px;font-weight:600}
td.ok{color:var(--ok)}td.fail{color:#fff;background:var(--bad)}td.mtu{color:#000;background:#f0b72f}td.esp{color:#fff;background:var(--esp)}td.untested,td.self{color:var(--muted)}
tr.fault th,th.fault{background:var(--bad);color:#fff}
td.fault{outline:2px solid var(--bad);outline-offset:-2px}
td.version.odd{color:var(--bad);font-weight:600}
.bar{width:160px;height:10px;background:var(--line);border-radius:5px;overflow:hidden}.bar span{display:block;height:100%;background:var(--ok)}
tr.nearly .bar span{background:var(--warn)}tr.full .bar span,.bar.full span{background:var(--bad)}
.scroll{overflow-x:auto}
svg.address-map{font:11px ui-monospace,Menlo,Consolas,monospace;fill:var(--fg);max-width:100%;height:auto}
svg.address-map .range rect{fill:var(--info);opacity:.75}
svg.address-map .kind-pool rect{fill:var(--muted);opacity:.35}svg.address-map .kind-site rect{fill:var(--warn)}
svg.address-map .kind-node rect,svg.address-map .kind-interface rect,svg.address-map .kind-route rect,svg.address-map .kind-bridge rect{fill:var(--ok)}
svg.address-map .clash rect{stroke:var(--bad);stroke-width:2}
svg.address-map rect.overlap{fill:var(--overlap)}
svg.address-map text.cidr{fill:var(--fg);font-size:10px}svg.address-map text.tick{fill:var(--muted);font-size:9px}
footer{color:var(--muted);border-top:1px solid var(--line);margin-top:30px;padding:10px 16px}
@media print{:root{--bg:#fff;--fg:#000;--card:#fff}nav,footer{display:none}details.rule{break-inside:avoid}a{color:inherit;text-decoration:none}body{font-size:11px}}
`;
