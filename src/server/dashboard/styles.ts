/**
 * The dashboard's only stylesheet, served inline with the CSP nonce (no external assets). Colour is
 * reserved for status; everything else is greyscale so the state of the launch stands out. Every colour
 * is a variable with a dark counterpart (`prefers-color-scheme: dark`), each pair at WCAG AA contrast.
 */
export const STYLES = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--bg:#ffffff;--hover:#8c959f;
--btn:#1f2328;--btn-fg:#ffffff;--focus:#0969da;--go:#1a7f37;--nogo:#cf222e;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--error:#9a3412;--error-bg:#ffedd5;
--pending:#7d4e00;--pending-bg:#fff8c5;--waived:#0550ae;--waived-bg:#ddf4ff;--skipped:#59636e;--skipped-bg:#eef1f4}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--soft:#0d1117;--bg:#151b23;--hover:#656c76;
--btn:#e6edf3;--btn-fg:#0d1117;--focus:#4493f8;--go:#1f7a34;--nogo:#c62828;
--pass:#3fb950;--pass-bg:#12261e;--fail:#ff7b72;--fail-bg:#2d1214;--error:#f0883e;--error-bg:#2b1a0e;
--pending:#d29922;--pending-bg:#272115;--waived:#79c0ff;--waived-bg:#0f2236;--skipped:#9198a1;--skipped-bg:#21262d}}
*{box-sizing:border-box}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
summary:focus-visible,a:focus-visible{border-radius:3px}
.skip{position:absolute;left:8px;top:-48px;z-index:10;background:var(--bg);color:var(--fg);border:2px solid var(--focus);border-radius:6px;padding:6px 12px;font-weight:600}
.skip:focus{top:8px}
main:focus{outline:none}
.vh{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--soft)}
a{color:inherit;text-underline-offset:2px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
header.top{background:var(--bg);border-bottom:1px solid var(--line)}
header.top .in{max-width:1120px;margin:0 auto;padding:10px 20px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
.brand{font-weight:700;letter-spacing:-.01em;font-size:17px;text-decoration:none}
nav.main{display:flex;gap:4px;flex-wrap:wrap}
nav.main a{text-decoration:none;padding:5px 10px;border-radius:6px;color:var(--muted)}
nav.main a[aria-current=page]{background:var(--soft);color:var(--fg);font-weight:600}
.who{margin-left:auto;display:flex;gap:10px;align-items:center;color:var(--muted);font-size:13px}
main{max-width:1120px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:26px;line-height:1.25;margin:0 0 4px;letter-spacing:-.02em;overflow-wrap:anywhere}
h2,.sub,.mono,.item .title,summary{overflow-wrap:anywhere}
h2{font-size:17px;margin:28px 0 10px}
h3{font-size:15px;margin:0}
.sub{color:var(--muted);font-size:13px}
.card{background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:16px 18px}
.grid{display:grid;gap:14px;grid-template-columns:repeat(auto-fill,minmax(300px,1fr))}
.stack>*+*{margin-top:10px}
.row{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.spread{justify-content:space-between}
.verdict{display:inline-block;font-weight:800;letter-spacing:.04em;border-radius:8px;padding:4px 12px;color:#fff;font-size:14px;white-space:nowrap}
.verdict.big{font-size:30px;padding:8px 22px;border-radius:12px}
.verdict.go{background:var(--go)}.verdict.nogo{background:var(--nogo)}
.chip{display:inline-block;min-width:64px;text-align:center;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.03em;border-radius:999px;padding:2px 9px;white-space:nowrap}
.chip.pass{color:var(--pass);background:var(--pass-bg)}.chip.fail{color:var(--fail);background:var(--fail-bg)}
.chip.error{color:var(--error);background:var(--error-bg)}.chip.pending{color:var(--pending);background:var(--pending-bg)}
.chip.waived{color:var(--waived);background:var(--waived-bg)}.chip.skipped{color:var(--skipped);background:var(--skipped-bg)}
.tag{display:inline-block;font-size:12px;border:1px solid var(--line);border-radius:6px;padding:0 6px;color:var(--muted);white-space:nowrap}
.tag.warn{border-color:var(--fail);color:var(--fail)}
.bar{display:block;width:100%;height:10px;border-radius:5px}
.bar .track,.chart .track{fill:var(--line)}
.counts{display:flex;gap:6px;flex-wrap:wrap;font-size:13px;color:var(--muted)}
.env-card{text-decoration:none;color:inherit}
.env-card:hover{border-color:var(--hover)}
.env-card h3{display:flex;justify-content:space-between;align-items:center;gap:8px}
.env-tabs{display:flex;gap:6px;flex-wrap:wrap;margin:14px 0}
.env-tabs a{text-decoration:none;border:1px solid var(--line);border-radius:999px;padding:2px 12px;font-size:13px;background:var(--bg)}
.env-tabs a[aria-current=page]{border-color:var(--fg);font-weight:600}
.hero>div{min-width:0}
.hero{display:grid;grid-template-columns:auto 1fr;gap:12px 22px;align-items:center}
.hero .verdict{justify-self:start}
.reasons{margin:0;padding-left:20px}.reasons li{margin:2px 0;overflow-wrap:anywhere}
.items{list-style:none;margin:0;padding:0;background:var(--bg);border:1px solid var(--line);border-radius:10px}
.item{display:grid;grid-template-columns:84px 1fr;gap:4px 12px;padding:12px 16px;border-top:1px solid var(--line)}
.item:first-child{border-top:0}
.item .title{font-weight:600}
.item .meta{display:flex;gap:6px;flex-wrap:wrap;align-items:center;font-size:12px;color:var(--muted)}
.item .msg{font-size:14px;color:var(--fg);overflow-wrap:anywhere}
.item .body{grid-column:2;min-width:0}
details{margin-top:6px}
summary{cursor:pointer;color:var(--muted);font-size:13px}
.desc{white-space:pre-wrap;font-size:13px;background:var(--soft);border-radius:6px;padding:8px 10px;margin:6px 0 0;overflow-x:auto}
dl.obs{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0 0;font-size:13px}
dl.obs dt{color:var(--muted)}dl.obs dd{margin:0;overflow-wrap:anywhere}
form.act{display:grid;gap:8px;margin-top:8px;max-width:520px;background:var(--soft);padding:10px;border-radius:8px}
label{display:grid;gap:3px;font-size:13px;color:var(--muted)}
input,select,textarea{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:6px 8px;width:100%}
button{font:inherit;font-weight:600;border:1px solid var(--btn);background:var(--btn);color:var(--btn-fg);border-radius:6px;padding:6px 14px;cursor:pointer;justify-self:start}
button.quiet{background:var(--bg);color:var(--fg);border-color:var(--line)}
.notice{border-radius:8px;padding:10px 14px;margin:0 0 16px;border:1px solid var(--line);background:var(--bg)}
.notice.ok{border-color:var(--pass);color:var(--pass)}.notice.bad{border-color:var(--fail);color:var(--fail)}
table{border-collapse:collapse;width:100%;background:var(--bg);border:1px solid var(--line);border-radius:10px;overflow:hidden}
th,td{text-align:left;padding:8px 12px;border-top:1px solid var(--line);vertical-align:top;font-size:14px}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:var(--soft);border-top:0}
.table-wrap{overflow-x:auto}
td.mono{overflow-wrap:anywhere;max-width:420px}
.nowrap{white-space:nowrap}
th{white-space:nowrap}
.signoffs{display:grid;gap:10px;grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
.signoffs button{white-space:nowrap}
.login{max-width:420px;margin:10vh auto 0}
.chart{display:block;margin-top:6px}
.err{white-space:pre-wrap;color:var(--fail);font-size:13px;margin:6px 0 0}
.pager{margin-top:12px}
.gap-top{margin-top:14px}
td.msg{overflow-wrap:anywhere;min-width:160px}
dl.kv{margin:0;font-size:13px;min-width:220px}dl.kv div{overflow-wrap:anywhere}
dl.kv dt{display:inline;color:var(--muted)}dl.kv dd{display:inline;margin:0}
.filters{display:flex;gap:10px;align-items:end;flex-wrap:wrap;margin:0 0 8px}
.filters label{min-width:140px}
.filters p{flex-basis:100%;margin:0}
details.section{margin-top:18px}
details.section>summary{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;color:var(--fg);font-size:15px;padding:4px 0}
details.section>summary h3{display:inline;font-size:16px}
details.section>summary::before{content:"▸";color:var(--muted)}
details.section[open]>summary::before{content:"▾"}
details.section>summary{list-style:none}
details.section>summary::-webkit-details-marker{display:none}
details.section>.items{margin-top:6px}
.go-banner{margin:4px 0 0}.go-banner p{margin:2px 0}
.go-banner a{color:inherit}
.reasons a{color:inherit}
@media (max-width:640px){
 main{padding:16px 12px 48px}
 h1{font-size:22px}
 .verdict.big{font-size:22px;padding:6px 14px}
 .hero{grid-template-columns:1fr}
 .item{grid-template-columns:1fr;padding:12px}
 .item .body{grid-column:1}
 .who{margin-left:0;width:100%}
 th,td{padding:6px 8px;font-size:13px}
}
`;
