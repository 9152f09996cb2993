import type { User } from "../core/ports/users.js";
import type { OutboxMessage } from "../delivery/outbox.js";
import { type Html, html } from "./html.js";

export interface PageContext {
  appName: string;
  csrf: string;
  user?: User;
}

export function layout(ctx: PageContext, title: string, body: Html, wide = false): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${ctx.appName}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="top"><span class="brand">${ctx.appName}</span>${
    ctx.user
      ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrf}"><span>${ctx.user.displayName || ctx.user.username}</span> <button class="link" type="submit">Sign out</button></form>`
      : ""
  }</header>
<main${wide ? html` class="wide"` : ""}>
${body}
</main>
</body>
</html>`;
}

export function messages(notice?: string, error?: string): Html {
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}${
    error ? html`<p class="error" role="alert">${error}</p>` : ""
  }`;
}

export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

export function loginPage(
  ctx: PageContext,
  opts: { username?: string; notice?: string; error?: string },
): Html {
  return layout(
    ctx,
    "Sign in",
    html`<h1>Sign in to ${ctx.appName}</h1>
${messages(opts.notice, opts.error)}
<form method="post" action="/login">
${csrfField(ctx)}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="256" required value="${opts.username ?? ""}" autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="1024" required>
<button type="submit">Login</button>
</form>`,
  );
}

export function changePasswordPage(
  ctx: PageContext,
  opts: { minLength: number; error?: string },
): Html {
  return layout(
    ctx,
    "Choose a new password",
    html`<h1>Choose a new password</h1>
${messages(undefined, opts.error)}
<p>You need to choose a new password before you continue.</p>
<form method="post" action="/login/new-password">
${csrfField(ctx)}
<label for="new-password">New password</label>
<input type="password" id="new-password" name="newPassword" autocomplete="new-password" minlength="${opts.minLength}" maxlength="128" required aria-describedby="pw-hint">
<p class="hint" id="pw-hint">At least ${opts.minLength} characters. A long phrase is easier to remember than a complex word.</p>
<label for="confirm-password">Confirm new password</label>
<input type="password" id="confirm-password" name="confirmPassword" autocomplete="new-password" maxlength="128" required>
<button type="submit">Save</button>
</form>`,
  );
}

export function codeField(): Html {
  return html`<label for="code">Verification code</label>
<input type="text" id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="code-hint">
<p class="hint" id="code-hint">The 6-digit code.</p>`;
}

export function setupPage(
  ctx: PageContext,
  opts: {
    username: string;
    qr?: { svg: Html; grouped: string };
    error?: string;
    extra?: Html;
  },
): Html {
  return layout(
    ctx,
    "Set up your authenticator app",
    html`<h1>Set up your authenticator app</h1>
${messages(undefined, opts.error)}
<p>Add your ${ctx.appName} account (${opts.username}) to an authenticator app such as Google Authenticator or Microsoft Authenticator, then enter the 6-digit code it shows.</p>
${
  opts.qr
    ? html`<div class="qr" aria-label="QR code for your authenticator app">${opts.qr.svg}</div>
<p>Can't scan it? Enter this key in your app instead:</p>
<p><code class="key" id="manual-key">${opts.qr.grouped}</code></p>`
    : html`<form method="get" action="/login/setup"><input type="hidden" name="show" value="1"><button type="submit">Show QR code</button></form>`
}
<form method="post" action="/login/setup">
${csrfField(ctx)}
${codeField()}
<button type="submit">Save</button>
</form>
${opts.extra ?? ""}`,
  );
}

export function verifyPage(
  ctx: PageContext,
  opts: { appEnabled: boolean; error?: string; notice?: string; extra?: Html },
): Html {
  return layout(
    ctx,
    "Verification",
    html`<h1>Verification</h1>
${messages(opts.notice, opts.error)}
${opts.appEnabled ? html`<p>Open your authenticator app and enter the 6-digit code for ${ctx.appName}.</p>` : ""}
<form method="post" action="/login/verify">
${csrfField(ctx)}
${codeField()}
<button type="submit">Confirm</button>
</form>
${opts.extra ?? ""}`,
  );
}

export function homePage(ctx: PageContext & { user: User }, links: Html): Html {
  const name = ctx.user.displayName || ctx.user.username;
  return layout(
    ctx,
    "Home",
    html`<h1>Welcome, ${name}</h1>
<p>You are signed in to ${ctx.appName} as <strong>${ctx.user.username}</strong>.</p>
<nav class="links">${links}</nav>
<form method="post" action="/logout">${csrfField(ctx)}<button type="submit">Sign out</button></form>`,
  );
}

export function errorPage(ctx: PageContext, title: string, text: string): Html {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1><p>${text}</p><p><a href="/">Go to the start page</a></p>`,
  );
}

/** What the code panel under the set-up and verification forms shows. */
export interface CodePanel {
  /** The methods a code can be sent by now, email first. */
  methods: ("email" | "sms")[];
  /** The code on this flow, if one was sent and is still valid. */
  live?: { method: "email" | "sms"; masked: string; minutesLeft: number } | undefined;
  /** Seconds until this user may ask for another code by the live code's method. */
  waitSeconds: number;
  /** No method at all can finish this sign-in (verification without the app). */
  noMethod: boolean;
  /** Development: link to the outbox. */
  outbox: boolean;
  error?: string | undefined;
}

const SEND_BUTTON: Record<"email" | "sms", string> = {
  email: "Send verification code via email",
  sms: "Send verification code via SMS",
};

export function codePanel(ctx: PageContext, p: CodePanel): Html {
  if (p.methods.length === 0) {
    return p.noMethod
      ? html`<p class="error" role="alert">No verification method is available for your account. Please contact your administrator.</p>`
      : html``;
  }
  const { live } = p;
  return html`<section class="codes" aria-label="Other ways to get a code">
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
${
  live
    ? html`<p class="notice" role="status">We sent a verification code by ${live.method === "email" ? "email" : "SMS"} to <strong class="nowrap">${live.masked}</strong>. It is valid for ${live.minutesLeft} more minute${live.minutesLeft === 1 ? "" : "s"}.</p>`
    : ""
}
${
  p.waitSeconds > 0
    ? html`<p class="hint" id="resend-wait">You can ask for a new code in ${p.waitSeconds} seconds.</p>`
    : live
      ? html`<p class="hint" id="resend-wait">Didn't get it? You can send a new code.</p>`
      : ""
}
${p.methods.map(
  (method) => html`<form method="post" action="/login/code" class="inline">
${csrfField(ctx)}<input type="hidden" name="method" value="${method}">
<button type="submit" class="secondary">${SEND_BUTTON[method]}</button>
</form>
`,
)}
${p.outbox ? html`<p class="hint">Development: no mail or SMS provider is set, so messages go to the <a href="/dev/outbox">development outbox</a>.</p>` : ""}
</section>`;
}

export function outboxPage(ctx: PageContext, messages: OutboxMessage[]): Html {
  return layout(
    ctx,
    "Development outbox",
    html`<h1>Development outbox</h1>
<p>No mail server or SMS provider is configured, so messages are kept here (newest first, in memory, development only).</p>
${messages.length === 0 ? html`<p>No messages yet.</p>` : ""}
${messages.map(
  (m) => html`<article class="outbox">
<h2>${m.channel === "email" ? "Email" : "SMS"} to ${m.to}</h2>
<p class="hint">${new Date(m.at).toISOString()}${m.subject ? html` · ${m.subject}` : ""}</p>
<pre>${m.body}</pre>
</article>`,
)}
<p><a href="/login/verify">Back to sign-in</a></p>`,
    true,
  );
}
