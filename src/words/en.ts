import type { Word } from "./catalogue.js";

/**
 * Every word a person reads, in English: the source table every translation follows.
 * Ids are "area.what" (area = page, email or kind of message). `{name}` is filled in by
 * t(); a word with plural forms is chosen by its numeric `{count}` (Intl.PluralRules).
 * Words are plain text: markup (a link, <strong>) comes in as a placeholder's value.
 */
export const en = {
  // Every page
  "layout.title": "{page} · {app}",
  "common.sign_out": "Sign out",
  "common.save": "Save",
  "common.yes": "Yes",
  "common.no": "No",
  "nav.home": "Home",
  "nav.start_page": "Go to the start page",
  "nav.all_users": "All users",
  "nav.users": "Users",
  "nav.settings": "Settings",
  "nav.audit": "Audit log",

  // Dates and times (words/format.ts fills the parts in the reader's time zone)
  "time.date_time": "{year}-{month}-{day} {hour}:{minute} {zone}",
  "time.date_time_seconds": "{year}-{month}-{day} {hour}:{minute}:{second} {zone}",
  "time.never": "never",
  "wait.seconds": {
    one: "Try again in {count} second.",
    other: "Try again in {count} seconds.",
  },
  "wait.minutes": {
    one: "Try again in about {count} minute.",
    other: "Try again in about {count} minutes.",
  },

  // Login
  "login.title": "Sign in",
  "login.heading": "Sign in to {app}",
  "login.username": "Username",
  "login.password": "Password",
  "login.submit": "Login",

  // Notices on the Login page after a sign-in ended
  "notice.app_added": "Your authenticator app has been added. Please sign in again to continue.",
  "notice.signed_out": "You have been signed out.",
  "notice.expired": "Your sign-in has expired. Please sign in again.",
  "notice.too_many_codes": "Too many incorrect codes. Please sign in again.",
  "notice.locked": "Too many incorrect codes for this account. Verification is locked for a while.",

  // Refusals (core/reasons.ts); web/messages.ts keeps their status codes
  "reason.bad_credentials": "The username or password is incorrect.",
  "reason.throttled": "Too many failed attempts. Please wait before trying again.",
  "reason.busy": "The service is busy. Please try again in a moment.",
  "reason.expired": "Your sign-in has expired. Please sign in again.",
  "reason.wrong_step": "That step is not available now. Please continue below.",
  "reason.malformed_code": "Enter the 6-digit code.",
  "reason.invalid_code": "That code is not valid. Check the code and try again.",
  "reason.too_many_codes": "Too many incorrect codes. Please sign in again.",
  "reason.second_factor_locked":
    "Too many incorrect codes for this account. Verification is locked for a while.",
  "reason.password_mismatch": "The two passwords do not match.",
  "reason.password_too_short": "The new password is too short.",
  "reason.password_too_short_min": {
    one: "The new password is too short (at least {count} character).",
    other: "The new password is too short (at least {count} characters).",
  },
  "reason.password_too_long": "The new password is too long (at most 128 characters).",
  "reason.password_is_username": "The new password must not be your username.",
  "reason.password_is_old": "The new password must differ from the current one.",
  "reason.password_common": "That password is too common and easy to guess. Choose another.",
  "reason.method_unavailable": "That method is not available for your account.",
  "reason.send_throttled": "Too many codes sent. Please wait before asking again.",
  "reason.send_failed": "We could not send the code — try again or use another method.",

  // Choose a new password (forced change)
  "new_password.title": "Choose a new password",
  "new_password.intro": "You need to choose a new password before you continue.",
  "new_password.label": "New password",
  "new_password.hint": {
    one: "At least {count} character. A long phrase is easier to remember than a complex word.",
    other: "At least {count} characters. A long phrase is easier to remember than a complex word.",
  },
  "new_password.confirm_label": "Confirm new password",

  // The code field on the set-up and verification screens
  "code.label": "Verification code",
  "code.hint": "The 6-digit code.",

  // Set up the authenticator app
  "setup.title": "Set up your authenticator app",
  "setup.intro":
    "Add your {app} account ({username}) to an authenticator app such as Google Authenticator or Microsoft Authenticator, then enter the 6-digit code it shows.",
  "setup.qr_label": "QR code for your authenticator app",
  "setup.manual_key": "Can't scan it? Enter this key in your app instead:",
  "setup.show_qr": "Show QR code",

  // Verification (second factor)
  "verify.title": "Verification",
  "verify.app_hint": "Open your authenticator app and enter the 6-digit code for {app}.",
  "verify.submit": "Confirm",

  // Codes by email or SMS, under the set-up and verification forms
  "codes.label": "Other ways to get a code",
  "codes.none_available":
    "No verification method is available for your account. Please contact your administrator.",
  "codes.sent_email": {
    one: "We sent a verification code by email to {destination}. It is valid for {count} more minute.",
    other:
      "We sent a verification code by email to {destination}. It is valid for {count} more minutes.",
  },
  "codes.sent_sms": {
    one: "We sent a verification code by SMS to {destination}. It is valid for {count} more minute.",
    other:
      "We sent a verification code by SMS to {destination}. It is valid for {count} more minutes.",
  },
  "codes.resend_wait": {
    one: "You can ask for a new code in {count} second.",
    other: "You can ask for a new code in {count} seconds.",
  },
  "codes.resend_now": "Didn't get it? You can send a new code.",
  "codes.send_email": "Send verification code via email",
  "codes.send_sms": "Send verification code via SMS",
  "codes.dev_outbox":
    "Development: no mail or SMS provider is set, so messages go to the {outbox}.",
  "codes.dev_outbox_link": "development outbox",

  // Development outbox (outside production, without mail or SMS providers)
  "outbox.title": "Development outbox",
  "outbox.intro":
    "No mail server or SMS provider is configured, so messages are kept here (newest first, in memory, development only).",
  "outbox.empty": "No messages yet.",
  "outbox.email_to": "Email to {to}",
  "outbox.sms_to": "SMS to {to}",
  "outbox.back": "Back to sign-in",

  // Home
  "home.title": "Home",
  "home.welcome": "Welcome, {name}",
  "home.signed_in": "You are signed in to {app} as {username}.",

  // Error pages
  "error.form_expired.title": "This form has expired",
  "error.form_expired.text": "Reload the page and try again.",
  "error.bad_request.title": "Bad request",
  "error.bad_request.text": "The request could not be read.",
  "error.unavailable.title": "Service unavailable",
  "error.unavailable.text": "The service is temporarily unavailable. Please try again shortly.",
  "error.not_found.title": "Not found",
  "error.not_found.text": "There is no page at this address.",
  "error.no_such_user.text": "There is no such user.",
  "error.forbidden.title": "Not allowed",
  "error.forbidden.text": "Your account cannot open this page.",

  // Facts about an account (users list and a user's page)
  "account.username": "Username",
  "account.name": "Name",
  "account.email": "Email",
  "account.phone": "Phone",
  "account.role": "Role",
  "account.app_set_up": "App set up",
  "account.second_factor_locked": "Second factor locked",
  "account.must_change_password": "Must change password",
  "account.last_sign_in": "Last sign-in",
  "account.status": "Status",
  "account.active": "Active",
  "account.deactivated": "Deactivated",
  "account.locked": "Locked",

  "role.user": "User",
  "role.supervisor": "Supervisor",
  "role.administrator": "Administrator",

  // Users (staff)
  "users.title": "Users",
  "users.search_label": "Search by username or email",
  "users.search": "Search",
  "users.add": "Add a user",
  "users.count": { one: "{count} user.", other: "{count} users." },
  "users.count_matching": { one: "{count} user match.", other: "{count} users match." },
  "users.first_page": "First page",
  "users.previous_page": "Previous page",
  "users.next_page": "Next page",

  // One user's page (staff)
  "user.title": "User {username}",
  "user.not_saved": "The changes were not saved: check the fields marked below.",
  "user.lost_access": "Lost access to the authenticator app?",
  "user.force_explain":
    "Force New Password ends {username}'s sessions, removes their authenticator app and makes them choose a new password and set the app up again at the next sign-in.",
  "user.force": "Force New Password",
  "user.cannot_change": "You cannot change this account.",
  "user.cannot_change_own": "You cannot change this account (it is your own).",
  "user.sessions": "Sessions",
  "user.no_sessions": "No active sessions.",
  "sessions.column.started": "Started ({zone})",
  "sessions.column.proved": "Proved ({zone})",
  "sessions.column.how": "How",
  "sessions.column.ends": "Ends ({zone})",
  "amr.pwd": "Password",
  "amr.otp": "Authenticator app",
  "amr.sms": "SMS code",
  "amr.email": "Email code",
  "user.recent_events": "Recent events",
  "user.edit": "Edit",
  "user.access": "Access",
  "user.deactivate_explain": "A deactivated user cannot sign in; their sessions end at once.",
  "user.inactive_explain": "This user cannot sign in.",
  "user.deactivate": "Deactivate",
  "user.reactivate": "Reactivate",

  // The profile fields of the add and edit forms
  "profile.display_name": "Display name",
  "profile.email": "Email",
  "profile.phone": "Phone (international format)",
  "profile.role": "Role",

  // Field errors on the add and edit forms (core/user-admin.ts)
  "field_error.username_invalid":
    "Use 1 to 64 of a–z, 0–9 and . _ @ -, starting with a letter or digit.",
  "field_error.username_taken": "That username is taken.",
  "field_error.display_name_invalid": "At most 100 characters, no control characters.",
  "field_error.email_invalid":
    "Enter an email address such as name@example.org, or leave it empty.",
  "field_error.phone_invalid":
    "Enter the number in international format, e.g. +61412345678, or leave it empty.",
  "field_error.role_invalid": "Choose User or Supervisor.",
  "field_error.password_too_short": "The password is too short.",
  "field_error.password_too_long": "The password is too long (at most 128 characters).",
  "field_error.password_is_username": "The password must not be the username.",
  "field_error.password_common": "That password is too common and easy to guess. Choose another.",

  // Notices on staff pages after an action
  "admin_notice.forced":
    "Force New Password done: the user's sessions ended, the authenticator app was cleared, and they must choose a new password at the next sign-in.",
  "admin_notice.forced_emailed":
    "Force New Password done: the user's sessions ended, the authenticator app was cleared, and they must choose a new password at the next sign-in. They were told by email.",
  "admin_notice.saved": "The changes were saved.",
  "admin_notice.added":
    "The user was added. They must choose a new password at their first sign-in.",
  "admin_notice.deactivated":
    "The user was deactivated: their sessions ended and they cannot sign in.",
  "admin_notice.reactivated": "The user was reactivated and can sign in again.",
  "admin_notice.methods_saved": "The sign-in methods were saved.",

  // Force New Password, the confirmation page
  "force.title": "Force New Password",
  "force.heading": "Force New Password for {name}?",
  "force.name": "{displayName} ({username})",
  "force.explain":
    "{name} will be signed out everywhere. Their authenticator app will be removed. At the next sign-in they enter their current password, choose a new one, and set up the authenticator app again with a new key.",
  "force.submit": "Force New Password",
  "force.cancel": "Cancel",

  // Add a user
  "add_user.title": "Add a user",
  "add_user.not_added": "The user was not added: check the fields marked below.",
  "add_user.username": "Username",
  "add_user.password": "Temporary password",
  "add_user.password_hint":
    "Give it to the user in person; they must choose their own at the first sign-in.",

  // Settings (administrator)
  "settings.title": "Settings",
  "settings.not_saved": "Not saved: {problem}.",
  "settings.methods": "Second-factor methods",
  "settings.methods_legend": "Methods users may use after their password",
  "settings.methods_strength":
    "SMS and email codes are weaker than the authenticator app: NIST SP 800-63B treats codes sent over the phone network as restricted (numbers can be moved to another SIM or intercepted), and a code by email is only as safe as the mailbox. Prefer the app; enable SMS or email as a fallback.",
  "settings.methods_turning_off":
    "Turning a method off takes effect at each user's next sign-in; signed-in users stay signed in. Users who relied on it are offered the methods still enabled: with the app off, they get codes by SMS or email instead (their app stays on record and works again if the app is turned back on); with SMS or email off, users without the app or the other contact detail cannot finish signing in until an administrator adds one, or the app is enabled and they set it up. With no method enabled, users sign in with the password alone.",

  "method.app": "Authenticator app",
  "method.sms": "SMS",
  "method.email": "Email",

  // Audit log (administrator) and a user's recent events
  "audit.title": "Audit log",
  "audit.user": "User",
  "audit.type": "Event type",
  "audit.any_type": "Any",
  "audit.filter": "Filter",
  "audit.older": "Older events",
  "audit.none": "No events.",
  "audit.column.time": "Time ({zone})",
  "audit.column.event": "Event",
  "audit.column.user": "User",
  "audit.column.by": "By",
  "audit.column.address": "Address",
  "audit.column.detail": "Detail",
  "audit.by_self": "self",

  // Email: a verification code (the code stays out of the subject)
  "email.code.subject": "Your {app} verification code",
  "email.code.intro": "Your {app} verification code is",
  "email.code.text": "Your {app} verification code is {code}",
  "email.code.expiry": {
    one: "It expires in {count} minute.",
    other: "It expires in {count} minutes.",
  },
  "email.code.not_you": "If you did not try to sign in, you can ignore this email.",

  // SMS: a verification code, code first, one GSM-7 segment with a typical app name
  "sms.code": {
    one: "{code} is your {app} verification code. It expires in {count} minute.",
    other: "{code} is your {app} verification code. It expires in {count} minutes.",
  },

  // Email: an authenticator app was added
  "email.app_added.subject": "{app}: authenticator app added",
  "email.app_added.what": "An authenticator app was set up for {username} on {app} at {time}.",
  "email.app_added.if_you": "If this was you, there is nothing to do.",
  "email.app_added.if_not":
    "If it was not, contact your administrator and ask for Force New Password.",

  // Email: wrong codes paused the second factor
  "email.locked.subject": "{app}: sign-in paused after wrong codes",
  "email.locked.what": "Too many wrong verification codes were entered for {username} on {app}.",
  "email.locked.paused": {
    one: "Sign-in with a verification code is paused for {count} minute.",
    other: "Sign-in with a verification code is paused for {count} minutes.",
  },
  "email.locked.if_not":
    "If this was not you, someone may know your password: change it, and tell your administrator.",

  // Email: a supervisor used Force New Password
  "email.forced.subject": "{app}: your sign-in was reset",
  "email.forced.what": "A supervisor reset the sign-in of {username} on {app} at {time}.",
  "email.forced.next":
    "At your next sign-in, enter your current password, choose a new one, and set up your authenticator app again.",
  "email.forced.if_not": "If you did not ask for this, contact your administrator.",

  // Issue 10: applications sign in through Vestibule (OpenID Connect, forward-auth)
  "oidc.expired.title": "This sign-in has expired",
  "oidc.expired.text": "Go back to the application and sign in again.",
  "forward.refused.title": "This address cannot be opened",
  "forward.refused.text":
    "The sign-in link leads to an address outside this organisation, so it was not followed.",
  "forward.forbidden.title": "Not open to your account",
  "forward.forbidden.text":
    "You are signed in as {username}, but {host} is not open to your account.",
  "forward.no_second_factor.text":
    "{host} needs a sign-in with a second factor, and second factors are turned off here. Ask your administrator.",
  // Issue 14: the security audit (locks, passwords, staff actions, notices)
  "wait.hours": {
    one: "Try again in about {count} hour.",
    other: "Try again in about {count} hours.",
  },
  "reason.second_factor_locked_for_good":
    "Too many incorrect codes for this account: verification is locked until a supervisor unlocks it. Please contact your supervisor.",
  "notice.locked_for_good":
    "Too many incorrect codes for this account: verification is locked until a supervisor unlocks it. Please contact your supervisor.",
  "notice.key_replaced":
    "Your authenticator app was set up from another sign-in, with a different key: the key shown here was not saved. If you added it to your app, remove it. Please sign in again.",
  "reason.password_weak": "That password is too easy to guess.",
  "password_weak.common": "It is a common password, close to one, or known from a data breach.",
  "password_weak.repeated": "It repeats characters or words.",
  "password_weak.sequences": "It contains a sequence such as abcd or 6543.",
  "password_weak.keyboard": "It follows the keyboard, such as qwerty.",
  "password_weak.dates": "It is built on a date or a recent year.",
  "password_weak.single_word": "It is a single dictionary word.",
  "password_weak.names": "It is a first name or a surname.",
  "password_weak.user_inputs":
    "It contains your username, your name, your email address or the name of this service.",
  "password_weak.predictable":
    "It is a word with a year or symbols added, which guessing tools try first.",
  "password_weak.guessable": "Guessing tools would find it quickly.",
  "password_weak.advice": "A few unrelated words make a strong password that is easy to remember.",
  "field_error.password_weak": "That password is too easy to guess.",
  "field_error.password_too_short_min": {
    one: "The password is too short (at least {count} character).",
    other: "The password is too short (at least {count} characters).",
  },
  "error.unsupported_type.title": "Unsupported form",
  "error.unsupported_type.text": "This page accepts only forms sent by a web browser.",
  "error.too_large.title": "Too long",
  "error.too_large.text": "What you sent is too long. Shorten it and try again.",
  "prove_email.title": "Confirm your email address",
  "prove_email.intro":
    "Before you choose a new password, enter the verification code we sent to {destination}.",
  "prove_email.submit": "Continue",
  "prove_email.resend": "Send a new code",
  "settings.email_not_nist":
    "Email codes are not a second factor that NIST SP 800-63B accepts: it allows codes only over channels that prove possession of a device, and a mailbox does not. Treat email codes as a convenience, not as the second factor an assurance level requires.",
  "account.locked_until": "Locked until {time}",
  "account.locked_for_good": "Locked until unlocked",
  "user.unlock_heading": "Second factor locked",
  "user.unlock_explain":
    "Too many wrong codes locked {username}'s second factor. Unlock it once you know the attempts were theirs; if someone else may know their password, use Force New Password instead.",
  "user.unlock": "Unlock",
  "admin_notice.unlocked": "The second factor was unlocked.",
  "user.removed_apps": "Removed authenticator apps",
  "user.removed_apps.column.added": "Added ({zone})",
  "user.removed_apps.column.removed": "Removed ({zone})",
  "user.removed_apps.column.by": "By",
  "user.removed_apps.cli": "the command line",
  "email.locked_for_good.subject": "{app}: verification locked after wrong codes",
  "email.locked_for_good.what":
    "Wrong verification codes were entered for {username} on {app} too many times in a row.",
  "email.locked_for_good.locked":
    "Sign-in with a verification code is locked until a supervisor unlocks it or uses Force New Password.",
  "email.email_changed.subject": "{app}: your email address was changed",
  "email.email_changed.what":
    "The email address of {username} on {app} was changed at {time}, from {from} to {to}.",
  "email.phone_changed.subject": "{app}: your phone number was changed",
  "email.phone_changed.what":
    "The phone number of {username} on {app} was changed at {time}, from {from} to {to}.",
  "email.contact_changed.if_not": "If you did not expect this, contact your administrator.",
  "contact.none": "none",
  "sms.phone_changed":
    "{app}: the phone number of {username} was changed. If you did not expect this, contact your administrator.",
  // Issue 12: operations and staff pages (audit log names, details, filters, CSV; user facts)
  "audit.event.signin_ok": "Signed in",
  "audit.event.signin_failed": "Sign-in failed",
  "audit.event.password_throttled": "Password attempts throttled",
  "audit.event.second_factor_failed": "Wrong verification code",
  "audit.event.second_factor_locked": "Second factor locked",
  "audit.event.challenge_ended": "Sign-in ended after wrong codes",
  "audit.event.authenticator_added": "Authenticator app set up",
  "audit.event.password_changed": "Password changed",
  "audit.event.signout": "Signed out",
  "audit.event.code_sent": "Verification code sent",
  "audit.event.code_send_refused": "Verification code not sent (limit reached)",
  "audit.event.code_send_failed": "Verification code could not be sent",
  "audit.event.force_new_password": "Force New Password",
  "audit.event.settings_changed": "Settings changed",
  "audit.event.user_added": "User added",
  "audit.event.user_changed": "User changed",
  "audit.event.notice_send_failed": "Notification email could not be sent",
  "audit.detail.method": "Method: {method}",
  "audit.detail.step_password": "At the password step",
  "audit.detail.reason": "Reason: {reason}",
  "audit.detail.why.unknown_user": "unknown username",
  "audit.detail.why.wrong_password": "wrong password",
  "audit.detail.why.inactive": "account deactivated",
  "audit.detail.failed": {
    one: "{count} wrong code in this sign-in",
    other: "{count} wrong codes in this sign-in",
  },
  "audit.detail.reused": "The code had been used already",
  "audit.detail.limit": "Limit: {limit}",
  "audit.detail.limit.user_burst": "codes per user and method, short interval",
  "audit.detail.limit.user": "codes per user",
  "audit.detail.limit.destination": "codes per address or number",
  "audit.detail.limit.ip": "codes per client address",
  "audit.detail.limit.sms_budget": "SMS budget of this installation",
  "audit.detail.retry_after": {
    one: "Possible again in {count} second",
    other: "Possible again in {count} seconds",
  },
  "audit.detail.error": "Provider: {error}",
  "audit.detail.refunded": "Not counted (it certainly did not go out)",
  "audit.detail.not_refunded": "Counted (it may have gone out)",
  "audit.detail.notice": "Notice: {notice}",
  "audit.detail.via_cli": "With the command line",
  "audit.detail.via_web": "On the web",
  "audit.detail.role": "Role: {role}",
  "audit.detail.role_changed": "Role: {from} → {to}",
  "audit.detail.changed": "Changed: {fields}",
  "audit.detail.deactivated": "Deactivated",
  "audit.detail.reactivated": "Reactivated",
  "audit.detail.methods": "Methods: {from} → {to}",
  "audit.detail.no_methods": "none (2FA off)",
  "audit.detail.key_unreadable": "{method}: the stored key could not be read",
  "audit.detail.other": "{name}: {value}",
  "audit.by_cli": "command line",
  "audit.from": "From ({zone})",
  "audit.to": "To ({zone})",
  "audit.time_hint": "Both optional; a time alone means that whole minute.",
  "audit.bad_time": "Enter the times as year-month-day and hours:minutes, e.g. 2030-01-31 14:05.",
  "audit.export_csv": "Download these events as CSV",
  "audit.column.type": "Event id",
  "user.facts": "Account",
  "audit.event.access_rule_changed": "Forward-auth rule changed",
  "audit.detail.host": "Host: {host}",
  "audit.detail.roles": "Roles: {from} → {to}",
  "audit.detail.no_rule": "no rule (every signed-in user)",
  "audit.event.second_factor_unlocked": "Second factor unlocked",
  "audit.detail.limit.accountAddress": "wrong passwords for this account from this address",
  "audit.detail.limit.account": "wrong passwords for this account",
  "audit.detail.limit.address": "wrong passwords from this address",
  "audit.detail.limit.device": "wrong passwords on this device",
  "audit.detail.limits": "Limits reached: {limits}",
  "audit.detail.block": "Lock number {number}",
  "audit.detail.minutes": { one: "For {count} minute", other: "For {count} minutes" },
  "audit.detail.permanent": "Until a supervisor unlocks it",
  "audit.detail.lock.permanent": "It was locked until unlocked",
  "audit.detail.lock.temporary": "It was locked for a time",
  "audit.detail.channel": "Channel: {channel}",
  "audit.detail.attempt": "Attempt {number}",
  "audit.detail.email": "Email: {from} → {to}",
  "audit.detail.phone": "Phone: {from} → {to}",
  "audit.detail.empty": "none",
  // Issue 11 (branch recovery): recovery codes, remembered devices, refusal help
  "amr.rc": "Recovery code",
  "verify.remember": {
    one: "Remember this device for {count} day",
    other: "Remember this device for {count} days",
  },
  "verify.tries_left": {
    one: "You have {count} try left before this sign-in ends.",
    other: "You have {count} tries left before this sign-in ends.",
  },
  "verify.use_recovery": "Use a recovery code",
  "verify.lost_phone_heading": "Lost your phone?",
  "verify.lost_phone":
    "Ask a supervisor to reset your sign-in (Force New Password). You then choose a new password and set up your app again.",
  "verify.lost_phone_codes":
    "Use one of your recovery codes, or ask a supervisor to reset your sign-in (Force New Password).",
  "recovery.title": "Use a recovery code",
  "recovery.intro":
    "Enter one of the recovery codes you saved when you set up your authenticator app. Each code works once.",
  "recovery.label": "Recovery code",
  "recovery.hint": "12 letters and digits, such as ABCD-EFGH-JKMN. Dashes and spaces are optional.",
  "recovery.left": {
    one: "You have {count} recovery code left.",
    other: "You have {count} recovery codes left.",
  },
  "recovery.few_left": "Few are left: after signing in, make new ones on your account page.",
  "recovery.back": "Use a code from your app instead",
  "codes_shown.title": "Your recovery codes",
  "codes_shown.intro":
    "If you lose your phone, you can sign in with one of these codes instead of a code from your app. Each code works once.",
  "codes_shown.warning":
    "Save them now, somewhere safe: they are shown only this once. Anyone with your password and one of these codes can sign in as you.",
  "codes_shown.list_label": "Recovery codes",
  "codes_shown.download": "Download as a text file",
  "codes_shown.continue": "I have saved them: sign in again",
  "codes_shown.not_made":
    "Recovery codes could not be made just now. After signing in, make them on your account page.",
  "codes_shown.file_heading": "{app} recovery codes",
  "codes_shown.file_note": "Each code works once. Keep this file somewhere safe.",
  "codes_shown.bad_download": "There are no recovery codes to download in this request.",
  "hint.clock_ahead": {
    one: "Your phone's clock looks about {count} minute ahead. Turn on automatic date and time in your phone's settings, then enter the new code.",
    other:
      "Your phone's clock looks about {count} minutes ahead. Turn on automatic date and time in your phone's settings, then enter the new code.",
  },
  "hint.clock_behind": {
    one: "Your phone's clock looks about {count} minute behind. Turn on automatic date and time in your phone's settings, then enter the new code.",
    other:
      "Your phone's clock looks about {count} minutes behind. Turn on automatic date and time in your phone's settings, then enter the new code.",
  },
  "hint.used":
    "That code was just used. Wait for your app to show the next code, then enter that one.",
  "hint.recovery_used":
    "That recovery code was used already. Each code works once: use another one.",
  "email.recovery_issued.subject": "{app}: new recovery codes",
  "email.recovery_issued.what":
    "New recovery codes were made for {username} on {app} at {time}. The earlier codes no longer work.",
  "email.recovery_issued.if_not": "If this was not you, contact your supervisor at once.",
  "email.recovery_used.subject": "{app}: a recovery code was used",
  "email.recovery_used.what":
    "A recovery code was used to sign in as {username} on {app} at {time}.",
  "email.recovery_used.left": {
    one: "{count} recovery code is left.",
    other: "{count} recovery codes are left.",
  },
  "email.recovery_used.if_not":
    "If this was not you, contact your supervisor at once: someone has your password and a recovery code.",
  "audit.event.recovery_codes_issued": "Recovery codes made",
  "audit.event.recovery_code_used": "Recovery code used",
  "audit.event.device_remembered": "Device remembered",
  "audit.event.device_forgotten": "Remembered device forgotten",
  "audit.detail.left": { one: "{count} code left", other: "{count} codes left" },
  "audit.detail.count": { one: "{count} code", other: "{count} codes" },
  "audit.detail.days": { one: "For {count} day", other: "For {count} days" },
  "audit.detail.clock_ahead": {
    one: "Phone clock about {count} minute ahead",
    other: "Phone clock about {count} minutes ahead",
  },
  "audit.detail.clock_behind": {
    one: "Phone clock about {count} minute behind",
    other: "Phone clock about {count} minutes behind",
  },
  "audit.detail.remembered_device": "Second factor skipped: remembered device",
  "audit.detail.recovery_code": "With a recovery code",
  "audit.detail.remember_days": "Remember devices: {from} → {to} days",
  "audit.detail.via_setup": "At set-up",
  "settings.remember": "Remember this device",
  "settings.remember_days": "Days a device is remembered (0 turns it off)",
  "settings.remember_hint":
    "Users may tick “Remember this device” on the verification screen: for this many days that browser skips the second factor, never the password. It never counts for a step-up, for forward-auth or for an application that requires a second factor.",
  "settings.remember_save": "Save days",
  "settings.remember_bad": "Enter a whole number of days from 0 to 365.",
  "settings.remember_saved": "The days a device is remembered were saved.",
  "user.devices": "Remembered devices",
  "user.devices_none": "No remembered devices.",
  "user.device_browser": "Browser",
  "user.device_address": "Address",
  "user.device_created": "Remembered",
  "user.device_last_used": "Last used",
  "user.device_expires": "Forgotten on",
  "user.device_forget": "Forget",
  "user.device_forget_label": "Forget the device remembered {time}",
  "user.device_forgotten": "The device was forgotten: it asks for the second factor again.",
  "user.recovery_left": "Recovery codes left",
  "user.clock_offset": "Phone clock at the last wrong code",
  "user.clock_offset_at": "{offset} ({time})",
  // the account page, temporary passwords, user CLI (branch account, issue 11)
  "nav.account": "Your account",
  "account_page.title": "Your account",
  "account_page.methods": "How you sign in",
  "account_page.password": "Password",
  "account_page.app": "Authenticator app",
  "account_page.app_since": "Set up {time}",
  "account_page.app_none": "Not set up",
  "account_page.replace_app": "Replace the authenticator app",
  "account_page.replace_explain":
    "For a new phone or another app. Your current app keeps working until you confirm a code from the new one.",
  "account_page.change_password": "Change password",
  "account_page.password_explain": "Changing your password signs you out everywhere else.",
  "account_page.sessions": "Where you are signed in",
  "account_page.column.where": "Where",
  "account_page.column.last_used": "Last used ({zone})",
  "account_page.this_session": "this browser",
  "account_page.client": "{browser}, {address}",
  "account_page.browser_on": "{browser} on {os}",
  "account_page.unknown_browser": "Unknown browser",
  "account_page.unknown_address": "unknown address",
  "account_page.end_others": "Sign out other sessions",
  "account_page.end_others_explain": "Ends all your other sessions. This one stays signed in.",
  "account_page.events": "Recent security events",
  "account_page.back": "Back to your account",
  "account_page.notice.password_changed":
    "Your password was changed. Your other sessions were signed out.",
  "account_page.notice.app_replaced":
    "Your new authenticator app is set up. Codes from the old one no longer work.",
  "account_page.notice.others_ended": "Your other sessions were signed out.",
  "account_page.notice.expired": "That took too long. Please start again.",
  "password_page.current": "Current password",
  "password_page.intro":
    "Enter your current password, then the new one twice. Your other sessions will be signed out.",
  "replace_page.intro":
    "Add this key to the new authenticator app ({app}, {username}), then enter the code it shows. Your current app keeps working until then.",
  "reason.current_password_wrong": "Your current password is not correct.",
  "reason.temporary_password_expired":
    "This temporary password has expired. Ask a supervisor or administrator to set a new one.",
  "audit.event.authenticator_replaced": "Authenticator app replaced",
  "audit.event.other_sessions_ended": "Other sessions signed out",
  "audit.event.temporary_password_set": "Temporary password set",
  "audit.event.current_password_wrong": "Wrong current password",
  "audit.detail.via_account": "On the account page",
  "audit.detail.sessions_ended": {
    one: "{count} other session ended",
    other: "{count} other sessions ended",
  },
  "audit.detail.generated": "Generated",
  "audit.detail.typed": "Typed by staff",
  "audit.detail.must_change": "Must be changed at the next sign-in",
  "audit.detail.may_keep": "May be kept",
  "audit.detail.why.temporary_password_expired": "temporary password expired",
  "email.password_changed.subject": "{app}: your password was changed",
  "email.password_changed.what":
    "The password of {username} on {app} was changed at {time}. Your other sessions were signed out.",
  "email.app_replaced.subject": "{app}: authenticator app replaced",
  "email.app_replaced.what":
    "The authenticator app of {username} on {app} was replaced at {time}. Codes from the old one no longer work.",
  "email.sessions_ended.subject": "{app}: other sessions signed out",
  "email.sessions_ended.what":
    "Your other sessions of {username} on {app} were signed out at {time}.",
  "email.temporary_password.subject": "{app}: a new password was set for you",
  "email.temporary_password.what":
    "A new password was set for {username} on {app} at {time}. Your sessions were signed out.",
  "email.temporary_password.change":
    "It is a temporary password: you choose your own when you next sign in. It stops working after {count} hours.",
  "email.account.if_you": "If this was you, there is nothing to do.",
  "email.account.if_not": "If this was not you, contact your supervisor or administrator at once.",
  "temp_password.heading": "Forgot their password?",
  "temp_password.explain":
    "Set a temporary password for {username}: their sessions end, they must change it at their next sign-in, and it stops working after {count} hours. An email tells them it was set.",
  "temp_password.generate": "Generate a temporary password",
  "temp_password.or_type": "Or type one",
  "temp_password.label": "Temporary password",
  "temp_password.set": "Set this password",
  "temp_password.shown_title": "Temporary password for {username}",
  "temp_password.shown_intro":
    "Give this password to {username} by phone or in person, never by email. It is shown only this once and stops working at {time}.",
  "audit.detail.valid_hours": { one: "Valid for {count} hour", other: "Valid for {count} hours" },
  "admin_notice.temporary_set": "The temporary password was set. Their sessions ended.",
  // Issue 11 (branch recovery): the account page's recovery sections
  "account_page.recovery": "Recovery codes",
  "account_page.recovery_none":
    "You have no recovery codes left. Make new ones: without them, a lost phone means asking a supervisor.",
  "account_page.recovery_few": "Make new ones soon.",
  "account_page.recovery_new": "New recovery codes",
  "account_page.recovery_new_intro":
    "Ten new codes replace the ones you have now: the old codes stop working at once.",
  "account_page.recovery_make": "Make new codes",
  "codes_shown.back_to_account": "I have saved them: back to my account",
} as const satisfies Record<string, Word>;
