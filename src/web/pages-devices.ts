import type { RememberedDevice } from "../core/ports/devices.js";
import { t } from "../words/catalogue.js";
import { type Html, html } from "../words/html.js";
import { staffTime } from "./admin-words.js";
import { clockOffsetText } from "./audit-words.js";
import { csrfField, type PageContext } from "./pages.js";

// Issue 11: a user's remembered devices and recovery codes as the supervisor's user page
// shows them (and the account page can: `forgetAction` names where Forget posts).

/** What a page shows of a user's recovery codes, remembered devices and phone clock. */
export interface RecoveryView {
  recoveryLeft: number;
  devices: RememberedDevice[];
  /** The offset of the phone's clock at the user's latest wrong app code that had one. */
  clockOffset?: { offsetSeconds: number; at: number } | undefined;
}

/** Facts rows: recovery codes left, the phone's clock when a wrong code showed it off. */
export function recoveryFacts(ctx: PageContext, v: RecoveryView): [string, string][] {
  const { locale } = ctx;
  const rows: [string, string][] = [[t(locale, "user.recovery_left"), String(v.recoveryLeft)]];
  if (v.clockOffset) {
    rows.push([
      t(locale, "user.clock_offset"),
      t(locale, "user.clock_offset_at", {
        offset: clockOffsetText(locale, v.clockOffset.offsetSeconds),
        time: staffTime(locale, v.clockOffset.at),
      }),
    ]);
  }
  return rows;
}

/** The devices, each with a Forget button when `forgetAction` is given. */
export function devicesSection(
  ctx: PageContext,
  devices: RememberedDevice[],
  forgetAction?: (device: RememberedDevice) => string,
  /** False inside a page section that has its heading already (the account page). */
  withHeading = true,
): Html {
  const { locale } = ctx;
  const heading = withHeading ? html`<h2>${t(locale, "user.devices")}</h2>` : html``;
  if (devices.length === 0) return html`${heading}<p>${t(locale, "user.devices_none")}</p>`;
  const zone = { zone: "UTC" };
  return html`${heading}
<div class="scroll-x" role="region" tabindex="0" aria-label="${t(locale, "user.devices")}">
<table>
<thead><tr><th>${t(locale, "user.device_browser")}</th><th>${t(locale, "user.device_address")}</th><th>${t(locale, "user.device_created")} (${zone.zone})</th><th>${t(locale, "user.device_last_used")} (${zone.zone})</th><th>${t(locale, "user.device_expires")} (${zone.zone})</th>${forgetAction ? html`<th>${t(locale, "user.device_forget")}</th>` : ""}</tr></thead>
<tbody>
${devices.map(
  (d) =>
    html`<tr><td>${d.userAgent || "—"}</td><td>${d.ip}</td><td>${staffTime(locale, d.createdAt)}</td><td>${staffTime(locale, d.lastUsedAt)}</td><td>${staffTime(locale, d.expiresAt)}</td>${
      forgetAction
        ? html`<td><form method="post" action="${forgetAction(d)}" class="inline">${csrfField(ctx)}<button type="submit" class="secondary" aria-label="${t(locale, "user.device_forget_label", { time: staffTime(locale, d.createdAt) })}">${t(locale, "user.device_forget")}</button></form></td>`
        : ""
    }</tr>`,
)}
</tbody>
</table>
</div>`;
}
