// The dashboard's pages, rendered on the server with Hono's html template: every interpolated
// value is escaped, so a unit's name, a topic or a file name typed in a chat is shown as text and
// never read as HTML. Nothing runs inline (the content security policy forbids it): the page's
// one script and the chart library are files served by the bot, and the charts' figures travel in
// data attributes.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { PROGRESS_MARK } from "../domain/requirements.js";
import { periodLabel, periodWord } from "../domain/periods.js";
import { dayLabel } from "../time.js";
import { DASHBOARD_PATH } from "./auth.js";
import type { UnitView, MatrixView } from "./view.js";
import type { MatrixRow } from "../report/matrix.js";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const BASE = DASHBOARD_PATH;

export interface Viewer {
  name: string;
}

export function layout(title: string, body: Html, viewer?: Viewer): Html {
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <link rel="stylesheet" href="${BASE}/static/app.css" />
      </head>
      <body>
        <header class="top">
          <span class="brand">意识形态工作台账 · 看板</span>
          ${
            viewer
              ? html`<form method="post" action="${BASE}/logout" class="who">
                  <span>${viewer.name}</span> <button type="submit">退出</button>
                </form>`
              : ""
          }
        </header>
        <main>${body}</main>
        <div id="explain" role="status" aria-live="polite" hidden></div>
        <script src="${BASE}/static/chart.umd.min.js" defer></script>
        <script src="${BASE}/static/app.js" defer></script>
      </body>
    </html>`;
}

/** A page that says why something cannot be shown, and what to do. */
export function messagePage(title: string, lines: string[], viewer?: Viewer): Html {
  return layout(
    title,
    html`<section class="message">
      <h1>${title}</h1>
      ${lines.map((l) => html`<p>${l}</p>`)}
    </section>`,
    viewer,
  );
}

/**
 * The page a link opens: it does not use the link up (a chat app's link preview fetches it too);
 * the form does, sent at once by the page's script, or by a tap without scripts.
 */
export function loginPage(token: string): Html {
  return layout(
    "打开看板",
    html`<section class="message">
      <h1>打开看板</h1>
      <form method="post" action="${BASE}/login" data-autosubmit>
        <input type="hidden" name="t" value="${token}" />
        <button type="submit">进入看板</button>
      </form>
      <p class="hint">链接只能使用一次。</p>
    </section>`,
  );
}

const CLASS = { met: "met", open: "open", missed: "missed", future: "future" } as const;

function cellHtml(c: MatrixRow["cells"][number]): Html {
  if (!c) return html`<td class="na" title="不适用">—</td>`;
  return html`<td class="${CLASS[c.progress]}" title="${c.explain}" tabindex="0">
    ${PROGRESS_MARK[c.progress]}${c.figure ? html` <span class="n">${c.figure}</span>` : ""}
  </td>`;
}

function periodQuery(v: UnitView, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams({ p: periodWord(v.period), ...Object.fromEntries(Object.entries(extra).map(([k, x]) => [k, String(x)])) });
  return `?${q}`;
}

function matrixHtml(v: UnitView, m: MatrixView): Html {
  const showParent = v.matrix!.rows.some((r) => r.unit.parentId !== v.unit.id);
  const pageLink = (page: number, onlyBehind: boolean) =>
    `${BASE}/unit/${v.unit.id}${periodQuery(v, { ...(onlyBehind ? { behind: 1 } : {}), ...(page > 1 ? { page } : {}) })}`;
  return html`<section>
    <h2>各单位要求完成情况</h2>
    <p class="summary">
      共 ${m.total} 个下级单位，${m.behind} 个尚未全部完成${m.total - m.behind ? `，${m.total - m.behind} 个各项均已完成` : ""}。
      未完成多的在前；点按格子看说明。
      ${m.onlyBehind ? html`<a href="${pageLink(1, false)}">显示全部</a>` : html`<a href="${pageLink(1, true)}">只看未完成</a>`}
    </p>
    <div class="scroll">
      <table class="matrix">
        <thead>
          <tr>
            <th>单位</th>
            ${showParent ? html`<th>上级</th>` : ""}${m.columns.map((c) => html`<th>${c}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${m.rows.map(
            (r) =>
              html`<tr data-unit="${r.unit.id}">
                <th><a href="${BASE}/unit/${r.unit.id}${periodQuery(v)}">${r.unit.name}</a></th>
                ${showParent ? html`<td class="parent">${m.parents.get(r.unit.parentId ?? -1) ?? ""}</td>` : ""}${r.cells.map(cellHtml)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${
      m.pages > 1
        ? html`<nav class="pages">
            ${m.page > 1 ? html`<a href="${pageLink(m.page - 1, m.onlyBehind)}">上一页</a>` : ""}
            <span>第 ${m.page} / ${m.pages} 页</span>
            ${m.page < m.pages ? html`<a href="${pageLink(m.page + 1, m.onlyBehind)}">下一页</a>` : ""}
          </nav>`
        : ""
    }
  </section>`;
}

/** A chart's place: drawn by the page's script from the unit's summary (its figures by month). */
function chartSlot(id: "kinds" | "trend", title: string): Html {
  return html`<section class="chart-slot" data-chart-slot="${id}" hidden>
    <h2>${title}</h2>
    <div class="chart"><canvas id="${id}" aria-label="${title}" role="img"></canvas></div>
  </section>`;
}

export function unitPage(v: UnitView, viewer: Viewer): Html {
  const label = periodLabel(v.period);
  const q = periodQuery(v);
  const ownCells = v.own.cells.filter((c) => c !== null);
  const body = html`
    <nav class="trail">
      ${v.trail.map((u, i) =>
        i === v.trail.length - 1 ? html`<span>${u.name}</span>` : html`<a href="${BASE}/unit/${u.id}${q}">${u.name}</a> › `,
      )}
    </nav>
    <h1>${v.unit.name} <small>${label}</small></h1>
    <form method="get" action="${BASE}/unit/${v.unit.id}" class="period">
      <label
        >时间段
        <select name="p" data-autosubmit-change>
          ${v.periods.map((p) => html`<option value="${p.word}" ${p.word === periodWord(v.period) ? "selected" : ""}>${p.label}</option>`)}
        </select></label
      >
      <button type="submit">查看</button>
    </form>
    <p class="downloads">
      <a class="button" href="${BASE}/unit/${v.unit.id}/draft.docx${q}" download>下载报告草稿（Word）</a>
      <a class="button" href="${BASE}/unit/${v.unit.id}/ledger.xlsx${q}" download>下载台账（Excel）</a>
    </p>
    <section>
      <h2>${v.below ? `数字汇总（含下级单位 ${v.below} 个）` : "数字汇总"}</h2>
      <ul class="figures" data-summary="${BASE}/unit/${v.unit.id}/summary.json${q}" data-empty="${label}暂无记录。">
        <li class="loading">正在统计……</li>
      </ul>
      <noscript><p class="empty">数字汇总和图表需要浏览器允许运行本页的脚本；也可以在群里发送 /统计。</p></noscript>
    </section>
    ${v.matrix ? matrixHtml(v, v.matrix) : ""}
    <section>
      <h2>${v.below ? `本级要求完成情况` : "要求完成情况"}</h2>
      ${
        ownCells.length
          ? html`<ul class="own">
              ${ownCells.map((c) => html`<li class="${CLASS[c.progress]}">${c.explain}</li>`)}
            </ul>`
          : html`<p class="empty">没有适用于本级的要求。</p>`
      }
      <p class="legend">✅ 已完成 ⏳ 进行中 ❌ 未完成 · 未开始或在绑定前</p>
    </section>
    ${chartSlot("kinds", `${v.below ? "全部单位" : "本单位"}${v.period.year}年每月开展次数（按类别）`)}
    ${v.below ? chartSlot("trend", `下级单位${v.period.year}年每月开展次数`) : ""}
    <section>
      <h2>${v.below ? "本级记录" : "记录"}（${label}）</h2>
      ${
        v.records.length
          ? html`<ol class="records">
                ${v.records.map(
                  (r) =>
                    html`<li id="r${r.id}">
                      <div class="head"><span class="id">#${r.id}</span> <span class="day">${dayLabel(r.day)}</span> ${r.summary}</div>
                      ${r.details ? html`<div class="details">${r.details}</div>` : ""}
                      ${r.signedIn ? html`<div class="signin">签到记录（参加人员为签到名单）</div>` : ""}
                      ${
                        r.photos.length
                          ? html`<div class="photos">
                              ${r.photos.map(
                                (p) =>
                                  html`<a href="${BASE}/file/${p.id}" target="_blank" rel="noopener"
                                    ><img src="${BASE}/file/${p.id}" alt="${p.name}" loading="lazy"
                                  /></a>`,
                              )}
                            </div>`
                          : ""
                      }
                      ${
                        r.files.length
                          ? html`<div class="files">
                              附件：${r.files.map((f) => html`<a href="${BASE}/file/${f.id}" download>${f.name}</a> `)}
                            </div>`
                          : ""
                      }
                    </li>`,
                )}
              </ol>
              ${v.moreRecords ? html`<p class="more">另有 ${v.moreRecords} 条更早的记录，见下载的台账。</p>` : ""}`
          : html`<p class="empty">${label}本级没有记录。</p>`
      }
    </section>
  `;
  return layout(`${v.unit.name} ${label} · 看板`, body, viewer);
}
