//! The one embedded stylesheet; no external assets, so the UI works offline and without JS.

pub const CSS_PATH: &str = "/static/hydrant.css";

pub const CSS: &str = r#"
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#1d2b3a;color:#fff;padding:.6em 1.2em;display:flex;align-items:center;gap:1.2em}
header.top a{color:#fff}header.top .brand{font-weight:700;font-size:1.15em}
header.top .user{margin-left:auto;display:flex;gap:.8em;align-items:center}
header.top form{display:inline;margin:0}
header.top button{background:none;border:1px solid #8aa;color:#fff;border-radius:4px;padding:.15em .6em;cursor:pointer}
main{max-width:1100px;margin:1.2em auto;padding:0 1.2em}
h1{font-size:1.5em;margin:.3em 0 .6em}h2{font-size:1.2em;margin:1.2em 0 .5em}
.crumbs{color:#666;font-size:.9em}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde}
th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #eef}
th{background:#eef1f5;font-weight:600}
td.num,th.num{text-align:right}
.muted{color:#777}
.tabbar{display:flex;align-items:flex-end;gap:.2em;border-bottom:2px solid #cfd6e0;margin:1em 0}
.tabbar a.tab{padding:.4em 1em;border:1px solid transparent;border-bottom:none;border-radius:5px 5px 0 0}
.tabbar a.tab.active{background:#fff;border-color:#cfd6e0;font-weight:600;margin-bottom:-2px;border-bottom:2px solid #fff}
details.actions{margin-left:auto;position:relative}
details.actions summary{cursor:pointer;padding:.4em 1em;border:1px solid #cfd6e0;border-radius:5px;background:#fff;list-style:none}
details.actions summary::-webkit-details-marker{display:none}
details.actions summary::after{content:" \25BE"}
details.actions ul{position:absolute;right:0;z-index:5;margin:.2em 0 0;padding:.3em 0;list-style:none;background:#fff;border:1px solid #cfd6e0;border-radius:5px;min-width:14em;box-shadow:0 4px 12px rgba(0,0,0,.12)}
details.actions li a,details.actions li button{display:block;width:100%;text-align:left;padding:.35em 1em;background:none;border:0;font:inherit;color:#1f5fbf;cursor:pointer}
details.actions li a:hover,details.actions li button:hover{background:#eef3fb}
details.actions li form{margin:0}
details.actions li button.danger,details.actions li a.danger{color:#b3261e}
form.edit{background:#fff;border:1px solid #dde;padding:1em 1.2em;border-radius:6px}
form.edit label.row{display:grid;grid-template-columns:13em 1fr;gap:.8em;align-items:center;margin:.45em 0}
form.edit fieldset{border:1px solid #dde;margin:.8em 0;border-radius:5px}
.type-legend{margin:.6em 0 .2em}.type-choice{margin:0 1.2em 0 .2em}
#type-legacy:checked~.flake-fields,#type-flake:checked~.legacy-fields{display:none}
input[type=text],input[type=password],input[type=number],select,textarea{font:inherit;padding:.25em .4em;border:1px solid #bcc5d0;border-radius:4px;width:100%}
input[type=number]{max-width:10em}
.btn,button[type=submit]{font:inherit;background:#1f5fbf;color:#fff;border:0;border-radius:4px;padding:.4em 1.1em;cursor:pointer}
.error{background:#fdecea;border:1px solid #f5c2c0;color:#8a1c15;padding:.7em 1em;border-radius:5px;white-space:pre-wrap}
pre{background:#fff;border:1px solid #dde;padding:.6em;overflow:auto}
.status-0{color:#1e7d32}.status-fail{color:#b3261e}.status-queued{color:#8a6d00}
.pager{margin:.6em 0;display:flex;gap:1em}
.actions-row{display:flex;gap:.6em;margin:.4em 0 1em}form.inline{display:inline;margin:0}
button.danger,a.btn.danger{background:#b3261e}pre.log{max-height:40em;font-size:.85em;white-space:pre-wrap}
tr.unsupported td{background:#fff8e1}
label.role{white-space:nowrap}form.inline input[type=password]{width:auto}.notice{background:#e8f4ea;border:1px solid #b7dcbf;padding:.7em 1em;border-radius:5px;overflow-wrap:anywhere}
.tabbar.wrap{flex-wrap:wrap}tr.changed td{background:#fff8e1}
table.compare td.status,table.compare td.prev{white-space:nowrap}
.scroll{overflow-x:auto}table.grid td.cell{text-align:center;width:2.4em;padding:.2em}table.grid td.cell a{display:block;text-decoration:none}
table.grid td.cell.status-0 a{color:#1e7d32}table.grid td.cell.status-fail a{color:#b3261e}table.grid td.cell.status-queued a{color:#8a6d00}
.status-aborted,table.grid td.cell.status-aborted a{color:#6b6b6b}.delta{font-size:.85em}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:1em}svg.chart{width:100%;height:9em;background:#fff;border:1px solid #dde}
svg.chart rect{fill:#1f5fbf}svg.chart .chart-label{font-size:11px;fill:#555}svg.chart .chart-axis{stroke:#ccd}
header.top{flex-wrap:wrap}header.top form.nav-search input{width:11em;padding:.15em .4em;border:0;border-radius:4px}td.inputs{font-size:.9em}span.input-change{white-space:nowrap}
.field-error{color:#8a1c15;background:#fdecea;border:1px solid #f5c2c0;padding:.3em .6em;border-radius:4px;margin:-.2em 0 .6em 13.8em}
label.row.invalid input{border-color:#b3261e}code.field{font-size:.75em;color:#8a8f98;font-weight:400}.hidden-marker{font-style:italic}
td code{overflow-wrap:anywhere;word-break:break-all}#compare-form input[type=text]{width:9em;display:inline-block}
.tabbar a.tab.empty{color:#8a8f98}
@media (max-width:640px){.field-error{margin-left:0}header.top{gap:.4em .8em;padding:.5em .7em}.tabbar a.tab{padding:.35em .55em}main{padding:0 .5em}.charts{grid-template-columns:1fr}form.edit label.row{grid-template-columns:1fr;gap:.2em}
th,td{padding:.3em .35em}.tabbar{flex-wrap:wrap}details.actions{margin-left:0}}
"#;
