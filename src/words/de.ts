import type { WordTable } from "./catalogue.js";

/**
 * German: formal "Sie"; product terms as the German UI uses them throughout
 * ("Authenticator-App", "Neues Passwort erzwingen", "Bestätigungscode", "Anmelden").
 */
export const de: WordTable = {
  // Every page
  "layout.title": "{page} · {app}",
  "common.sign_out": "Abmelden",
  "common.save": "Speichern",
  "common.yes": "Ja",
  "common.no": "Nein",
  "nav.home": "Startseite",
  "nav.start_page": "Zur Startseite",
  "nav.all_users": "Alle Benutzer",
  "nav.users": "Benutzer",
  "nav.settings": "Einstellungen",
  "nav.audit": "Audit-Protokoll",

  // Dates and times
  "time.date_time": "{day}.{month}.{year}, {hour}:{minute} {zone}",
  "time.date_time_seconds": "{day}.{month}.{year}, {hour}:{minute}:{second} {zone}",
  "time.never": "nie",
  "wait.seconds": {
    one: "Versuchen Sie es in {count} Sekunde erneut.",
    other: "Versuchen Sie es in {count} Sekunden erneut.",
  },
  "wait.minutes": {
    one: "Versuchen Sie es in etwa {count} Minute erneut.",
    other: "Versuchen Sie es in etwa {count} Minuten erneut.",
  },

  // Login
  "login.title": "Anmelden",
  "login.heading": "Bei {app} anmelden",
  "login.username": "Benutzername",
  "login.password": "Passwort",
  "login.submit": "Anmelden",

  // Notices on the Login page
  "notice.app_added":
    "Ihre Authenticator-App wurde hinzugefügt. Bitte melden Sie sich erneut an, um fortzufahren.",
  "notice.signed_out": "Sie wurden abgemeldet.",
  "notice.expired": "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.",
  "notice.too_many_codes": "Zu viele falsche Codes. Bitte melden Sie sich erneut an.",
  "notice.locked":
    "Zu viele falsche Codes für dieses Konto. Die Bestätigung ist vorübergehend gesperrt.",

  // Refusals
  "reason.bad_credentials": "Der Benutzername oder das Passwort ist falsch.",
  "reason.throttled": "Zu viele Fehlversuche. Bitte warten Sie, bevor Sie es erneut versuchen.",
  "reason.busy": "Der Dienst ist ausgelastet. Bitte versuchen Sie es gleich noch einmal.",
  "reason.expired": "Ihre Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an.",
  "reason.wrong_step": "Dieser Schritt ist gerade nicht möglich. Bitte fahren Sie unten fort.",
  "reason.malformed_code": "Geben Sie den 6-stelligen Code ein.",
  "reason.invalid_code":
    "Dieser Code ist ungültig. Prüfen Sie den Code und versuchen Sie es erneut.",
  "reason.too_many_codes": "Zu viele falsche Codes. Bitte melden Sie sich erneut an.",
  "reason.second_factor_locked":
    "Zu viele falsche Codes für dieses Konto. Die Bestätigung ist vorübergehend gesperrt.",
  "reason.password_mismatch": "Die beiden Passwörter stimmen nicht überein.",
  "reason.password_too_short": "Das neue Passwort ist zu kurz.",
  "reason.password_too_short_min": {
    one: "Das neue Passwort ist zu kurz (mindestens {count} Zeichen).",
    other: "Das neue Passwort ist zu kurz (mindestens {count} Zeichen).",
  },
  "reason.password_too_long": "Das neue Passwort ist zu lang (höchstens 128 Zeichen).",
  "reason.password_is_username": "Das neue Passwort darf nicht Ihr Benutzername sein.",
  "reason.password_is_old": "Das neue Passwort muss sich vom bisherigen unterscheiden.",
  "reason.password_common":
    "Dieses Passwort ist zu verbreitet und leicht zu erraten. Wählen Sie ein anderes.",
  "reason.method_unavailable": "Diese Methode steht für Ihr Konto nicht zur Verfügung.",
  "reason.send_throttled":
    "Zu viele Codes gesendet. Bitte warten Sie, bevor Sie einen neuen anfordern.",
  "reason.send_failed":
    "Wir konnten den Code nicht senden – versuchen Sie es erneut oder wählen Sie eine andere Methode.",

  // Choose a new password
  "new_password.title": "Neues Passwort wählen",
  "new_password.intro": "Bevor Sie fortfahren, müssen Sie ein neues Passwort wählen.",
  "new_password.label": "Neues Passwort",
  "new_password.hint": {
    one: "Mindestens {count} Zeichen. Einen langen Satz merkt man sich leichter als ein kompliziertes Wort.",
    other:
      "Mindestens {count} Zeichen. Einen langen Satz merkt man sich leichter als ein kompliziertes Wort.",
  },
  "new_password.confirm_label": "Neues Passwort bestätigen",

  // The code field
  "code.label": "Bestätigungscode",
  "code.hint": "Der 6-stellige Code.",

  // Set up the authenticator app
  "setup.title": "Authenticator-App einrichten",
  "setup.intro":
    "Fügen Sie Ihr {app}-Konto ({username}) einer Authenticator-App wie Google Authenticator oder Microsoft Authenticator hinzu und geben Sie dann den 6-stelligen Code ein, den die App anzeigt.",
  "setup.qr_label": "QR-Code für Ihre Authenticator-App",
  "setup.manual_key":
    "Scannen nicht möglich? Geben Sie stattdessen diesen Schlüssel in Ihrer App ein:",
  "setup.show_qr": "QR-Code anzeigen",

  // Verification
  "verify.title": "Bestätigung",
  "verify.app_hint":
    "Öffnen Sie Ihre Authenticator-App und geben Sie den 6-stelligen Code für {app} ein.",
  "verify.submit": "Bestätigen",

  // Codes by email or SMS
  "codes.label": "Weitere Möglichkeiten, einen Code zu erhalten",
  "codes.none_available":
    "Für Ihr Konto steht keine Bestätigungsmethode zur Verfügung. Bitte wenden Sie sich an Ihren Administrator.",
  "codes.sent_email": {
    one: "Wir haben einen Bestätigungscode per E-Mail an {destination} gesendet. Er ist noch {count} Minute gültig.",
    other:
      "Wir haben einen Bestätigungscode per E-Mail an {destination} gesendet. Er ist noch {count} Minuten gültig.",
  },
  "codes.sent_sms": {
    one: "Wir haben einen Bestätigungscode per SMS an {destination} gesendet. Er ist noch {count} Minute gültig.",
    other:
      "Wir haben einen Bestätigungscode per SMS an {destination} gesendet. Er ist noch {count} Minuten gültig.",
  },
  "codes.resend_wait": {
    one: "Einen neuen Code können Sie in {count} Sekunde anfordern.",
    other: "Einen neuen Code können Sie in {count} Sekunden anfordern.",
  },
  "codes.resend_now": "Nichts angekommen? Sie können einen neuen Code senden lassen.",
  "codes.send_email": "Bestätigungscode per E-Mail senden",
  "codes.send_sms": "Bestätigungscode per SMS senden",
  "codes.dev_outbox":
    "Entwicklung: Es ist kein Mail- oder SMS-Anbieter eingerichtet, Nachrichten landen daher im {outbox}.",
  "codes.dev_outbox_link": "Entwicklungs-Postausgang",

  // Development outbox
  "outbox.title": "Entwicklungs-Postausgang",
  "outbox.intro":
    "Es ist kein Mailserver und kein SMS-Anbieter eingerichtet, daher werden Nachrichten hier aufbewahrt (neueste zuerst, nur im Arbeitsspeicher, nur in der Entwicklung).",
  "outbox.empty": "Noch keine Nachrichten.",
  "outbox.email_to": "E-Mail an {to}",
  "outbox.sms_to": "SMS an {to}",
  "outbox.back": "Zurück zur Anmeldung",

  // Home
  "home.title": "Startseite",
  "home.welcome": "Willkommen, {name}",
  "home.signed_in": "Sie sind bei {app} als {username} angemeldet.",

  // Error pages
  "error.form_expired.title": "Dieses Formular ist abgelaufen",
  "error.form_expired.text": "Laden Sie die Seite neu und versuchen Sie es noch einmal.",
  "error.bad_request.title": "Ungültige Anfrage",
  "error.bad_request.text": "Die Anfrage konnte nicht gelesen werden.",
  "error.unavailable.title": "Dienst nicht verfügbar",
  "error.unavailable.text":
    "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in Kürze erneut.",
  "error.not_found.title": "Nicht gefunden",
  "error.not_found.text": "Unter dieser Adresse gibt es keine Seite.",
  "error.no_such_user.text": "Diesen Benutzer gibt es nicht.",
  "error.forbidden.title": "Nicht erlaubt",
  "error.forbidden.text": "Ihr Konto darf diese Seite nicht öffnen.",

  // Facts about an account
  "account.username": "Benutzername",
  "account.name": "Name",
  "account.email": "E-Mail",
  "account.phone": "Telefon",
  "account.role": "Rolle",
  "account.app_set_up": "App eingerichtet",
  "account.second_factor_locked": "Zweiter Faktor gesperrt",
  "account.must_change_password": "Muss Passwort ändern",
  "account.last_sign_in": "Letzte Anmeldung",
  "account.status": "Status",
  "account.active": "Aktiv",
  "account.deactivated": "Deaktiviert",
  "account.locked": "Gesperrt",

  "role.user": "Benutzer",
  "role.supervisor": "Supervisor",
  "role.administrator": "Administrator",

  // Users
  "users.title": "Benutzer",
  "users.search_label": "Nach Benutzername oder E-Mail suchen",
  "users.search": "Suchen",
  "users.add": "Benutzer hinzufügen",
  "users.count": { one: "{count} Benutzer.", other: "{count} Benutzer." },
  "users.count_matching": {
    one: "{count} Benutzer gefunden.",
    other: "{count} Benutzer gefunden.",
  },
  "users.first_page": "Erste Seite",
  "users.previous_page": "Vorherige Seite",
  "users.next_page": "Nächste Seite",

  // One user's page
  "user.title": "Benutzer {username}",
  "user.not_saved":
    "Die Änderungen wurden nicht gespeichert: Prüfen Sie die unten markierten Felder.",
  "user.lost_access": "Kein Zugriff mehr auf die Authenticator-App?",
  "user.force_explain":
    "„Neues Passwort erzwingen“ beendet die Sitzungen von {username}, entfernt die Authenticator-App und verlangt bei der nächsten Anmeldung ein neues Passwort und eine erneute Einrichtung der App.",
  "user.force": "Neues Passwort erzwingen",
  "user.cannot_change": "Sie können dieses Konto nicht ändern.",
  "user.cannot_change_own": "Sie können dieses Konto nicht ändern (es ist Ihr eigenes).",
  "user.sessions": "Sitzungen",
  "user.no_sessions": "Keine aktiven Sitzungen.",
  "sessions.column.started": "Begonnen ({zone})",
  "sessions.column.proved": "Bestätigt ({zone})",
  "sessions.column.how": "Womit",
  "sessions.column.ends": "Endet ({zone})",
  "amr.pwd": "Passwort",
  "amr.otp": "Authenticator-App",
  "amr.sms": "SMS-Code",
  "amr.email": "E-Mail-Code",
  "user.recent_events": "Letzte Ereignisse",
  "user.edit": "Bearbeiten",
  "user.access": "Zugang",
  "user.deactivate_explain":
    "Ein deaktivierter Benutzer kann sich nicht anmelden; seine Sitzungen enden sofort.",
  "user.inactive_explain": "Dieser Benutzer kann sich nicht anmelden.",
  "user.deactivate": "Deaktivieren",
  "user.reactivate": "Reaktivieren",

  // Profile fields
  "profile.display_name": "Anzeigename",
  "profile.email": "E-Mail",
  "profile.phone": "Telefon (internationales Format)",
  "profile.role": "Rolle",

  // Field errors
  "field_error.username_invalid":
    "Verwenden Sie 1 bis 64 Zeichen aus a–z, 0–9 und . _ @ -, beginnend mit einem Buchstaben oder einer Ziffer.",
  "field_error.username_taken": "Dieser Benutzername ist bereits vergeben.",
  "field_error.display_name_invalid": "Höchstens 100 Zeichen, keine Steuerzeichen.",
  "field_error.email_invalid":
    "Geben Sie eine E-Mail-Adresse wie name@example.org ein oder lassen Sie das Feld leer.",
  "field_error.phone_invalid":
    "Geben Sie die Nummer im internationalen Format ein, z. B. +61412345678, oder lassen Sie das Feld leer.",
  "field_error.role_invalid": "Wählen Sie Benutzer oder Supervisor.",
  "field_error.password_too_short": "Das Passwort ist zu kurz.",
  "field_error.password_too_long": "Das Passwort ist zu lang (höchstens 128 Zeichen).",
  "field_error.password_is_username": "Das Passwort darf nicht der Benutzername sein.",
  "field_error.password_common":
    "Dieses Passwort ist zu verbreitet und leicht zu erraten. Wählen Sie ein anderes.",

  // Notices on staff pages
  "admin_notice.forced":
    "„Neues Passwort erzwingen“ ausgeführt: Die Sitzungen des Benutzers wurden beendet, die Authenticator-App wurde entfernt, und bei der nächsten Anmeldung muss ein neues Passwort gewählt werden.",
  "admin_notice.forced_emailed":
    "„Neues Passwort erzwingen“ ausgeführt: Die Sitzungen des Benutzers wurden beendet, die Authenticator-App wurde entfernt, und bei der nächsten Anmeldung muss ein neues Passwort gewählt werden. Der Benutzer wurde per E-Mail informiert.",
  "admin_notice.saved": "Die Änderungen wurden gespeichert.",
  "admin_notice.added":
    "Der Benutzer wurde hinzugefügt. Bei der ersten Anmeldung muss er ein neues Passwort wählen.",
  "admin_notice.deactivated":
    "Der Benutzer wurde deaktiviert: Seine Sitzungen wurden beendet, und er kann sich nicht mehr anmelden.",
  "admin_notice.reactivated": "Der Benutzer wurde reaktiviert und kann sich wieder anmelden.",
  "admin_notice.methods_saved": "Die Anmeldemethoden wurden gespeichert.",

  // Force New Password, the confirmation page
  "force.title": "Neues Passwort erzwingen",
  "force.heading": "Neues Passwort für {name} erzwingen?",
  "force.name": "{displayName} ({username})",
  "force.explain":
    "{name} wird überall abgemeldet. Die Authenticator-App wird entfernt. Bei der nächsten Anmeldung wird das aktuelle Passwort eingegeben, ein neues gewählt und die Authenticator-App mit einem neuen Schlüssel erneut eingerichtet.",
  "force.submit": "Neues Passwort erzwingen",
  "force.cancel": "Abbrechen",

  // Add a user
  "add_user.title": "Benutzer hinzufügen",
  "add_user.not_added":
    "Der Benutzer wurde nicht hinzugefügt: Prüfen Sie die unten markierten Felder.",
  "add_user.username": "Benutzername",
  "add_user.password": "Vorläufiges Passwort",
  "add_user.password_hint":
    "Geben Sie es dem Benutzer persönlich; bei der ersten Anmeldung muss er ein eigenes wählen.",

  // Settings
  "settings.title": "Einstellungen",
  "settings.not_saved": "Nicht gespeichert: {problem}.",
  "settings.methods": "Methoden für den zweiten Faktor",
  "settings.methods_legend": "Methoden, die Benutzer nach ihrem Passwort verwenden dürfen",
  "settings.methods_strength":
    "Codes per SMS und E-Mail sind schwächer als die Authenticator-App: NIST SP 800-63B stuft über das Telefonnetz gesendete Codes als eingeschränkt ein (Nummern können auf eine andere SIM-Karte übertragen oder abgefangen werden), und ein Code per E-Mail ist nur so sicher wie das Postfach. Bevorzugen Sie die App; aktivieren Sie SMS oder E-Mail als Ausweichmöglichkeit.",
  "settings.methods_turning_off":
    "Das Abschalten einer Methode wirkt bei der nächsten Anmeldung des jeweiligen Benutzers; angemeldete Benutzer bleiben angemeldet. Wer sie genutzt hat, bekommt die weiterhin aktiven Methoden angeboten: Ist die App abgeschaltet, kommen die Codes per SMS oder E-Mail (die App bleibt gespeichert und funktioniert wieder, sobald sie erneut aktiviert wird); ist SMS oder E-Mail abgeschaltet, können Benutzer ohne App oder ohne die andere Kontaktangabe die Anmeldung erst abschließen, wenn ein Administrator sie ergänzt oder die App aktiviert ist und sie sie einrichten. Ist keine Methode aktiviert, melden sich Benutzer nur mit dem Passwort an.",

  "method.app": "Authenticator-App",
  "method.sms": "SMS",
  "method.email": "E-Mail",

  // Audit log
  "audit.title": "Audit-Protokoll",
  "audit.user": "Benutzer",
  "audit.type": "Ereignistyp",
  "audit.any_type": "Alle",
  "audit.filter": "Filtern",
  "audit.older": "Ältere Ereignisse",
  "audit.none": "Keine Ereignisse.",
  "audit.column.time": "Zeit ({zone})",
  "audit.column.event": "Ereignis",
  "audit.column.user": "Benutzer",
  "audit.column.by": "Von",
  "audit.column.address": "Adresse",
  "audit.column.detail": "Details",
  "audit.by_self": "selbst",

  // Email: a verification code
  "email.code.subject": "Ihr Bestätigungscode für {app}",
  "email.code.intro": "Ihr Bestätigungscode für {app} lautet",
  "email.code.text": "Ihr Bestätigungscode für {app} lautet {code}",
  "email.code.expiry": {
    one: "Er läuft in {count} Minute ab.",
    other: "Er läuft in {count} Minuten ab.",
  },
  "email.code.not_you":
    "Wenn Sie nicht versucht haben, sich anzumelden, können Sie diese E-Mail ignorieren.",

  // SMS: a verification code
  "sms.code": {
    one: "{code} ist Ihr Bestätigungscode für {app}. Er läuft in {count} Minute ab.",
    other: "{code} ist Ihr Bestätigungscode für {app}. Er läuft in {count} Minuten ab.",
  },

  // Email: an authenticator app was added
  "email.app_added.subject": "{app}: Authenticator-App hinzugefügt",
  "email.app_added.what":
    "Für {username} wurde am {time} bei {app} eine Authenticator-App eingerichtet.",
  "email.app_added.if_you": "Wenn Sie das waren, ist nichts weiter zu tun.",
  "email.app_added.if_not":
    "Wenn nicht, wenden Sie sich an Ihren Administrator und bitten Sie um „Neues Passwort erzwingen“.",

  // Email: wrong codes paused the second factor
  "email.locked.subject": "{app}: Anmeldung nach falschen Codes pausiert",
  "email.locked.what":
    "Für {username} wurden bei {app} zu viele falsche Bestätigungscodes eingegeben.",
  "email.locked.paused": {
    one: "Die Anmeldung mit einem Bestätigungscode ist für {count} Minute pausiert.",
    other: "Die Anmeldung mit einem Bestätigungscode ist für {count} Minuten pausiert.",
  },
  "email.locked.if_not":
    "Wenn Sie das nicht waren, kennt womöglich jemand Ihr Passwort: Ändern Sie es und informieren Sie Ihren Administrator.",

  // Email: a supervisor used Force New Password
  "email.forced.subject": "{app}: Ihre Anmeldung wurde zurückgesetzt",
  "email.forced.what":
    "Ein Supervisor hat die Anmeldung von {username} bei {app} am {time} zurückgesetzt.",
  "email.forced.next":
    "Geben Sie bei Ihrer nächsten Anmeldung Ihr aktuelles Passwort ein, wählen Sie ein neues und richten Sie Ihre Authenticator-App erneut ein.",
  "email.forced.if_not":
    "Wenn Sie das nicht veranlasst haben, wenden Sie sich an Ihren Administrator.",

  // Issue 10: applications sign in through Vestibule (OpenID Connect, forward-auth)
  "oidc.expired.title": "Diese Anmeldung ist abgelaufen",
  "oidc.expired.text": "Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.",
  "forward.refused.title": "Diese Adresse kann nicht geöffnet werden",
  "forward.refused.text":
    "Der Anmeldelink führt zu einer Adresse außerhalb dieser Organisation und wurde daher nicht geöffnet.",
  "forward.forbidden.title": "Für Ihr Konto nicht freigegeben",
  "forward.forbidden.text":
    "Sie sind als {username} angemeldet, aber {host} ist für Ihr Konto nicht freigegeben.",
  "forward.no_second_factor.text":
    "{host} verlangt eine Anmeldung mit zweitem Faktor, und zweite Faktoren sind hier ausgeschaltet. Wenden Sie sich an Ihren Administrator.",
  // Issue 14: the security audit (locks, passwords, staff actions, notices)
  "wait.hours": {
    one: "Versuchen Sie es in etwa {count} Stunde erneut.",
    other: "Versuchen Sie es in etwa {count} Stunden erneut.",
  },
  "reason.second_factor_locked_for_good":
    "Zu viele falsche Codes für dieses Konto: Die Bestätigung ist gesperrt, bis ein Supervisor sie entsperrt. Bitte wenden Sie sich an Ihren Supervisor.",
  "notice.locked_for_good":
    "Zu viele falsche Codes für dieses Konto: Die Bestätigung ist gesperrt, bis ein Supervisor sie entsperrt. Bitte wenden Sie sich an Ihren Supervisor.",
  "notice.key_replaced":
    "Ihre Authenticator-App wurde bei einer anderen Anmeldung mit einem anderen Schlüssel eingerichtet: Der hier angezeigte Schlüssel wurde nicht gespeichert. Falls Sie ihn in Ihre App übernommen haben, entfernen Sie ihn. Bitte melden Sie sich erneut an.",
  "reason.password_weak": "Dieses Passwort ist zu leicht zu erraten.",
  "password_weak.common":
    "Es ist ein gängiges Passwort, einem solchen sehr ähnlich oder aus einem Datenleck bekannt.",
  "password_weak.repeated": "Es wiederholt Zeichen oder Wörter.",
  "password_weak.sequences": "Es enthält eine Folge wie abcd oder 6543.",
  "password_weak.keyboard": "Es folgt der Tastatur, etwa qwertz.",
  "password_weak.dates": "Es beruht auf einem Datum oder einer aktuellen Jahreszahl.",
  "password_weak.single_word": "Es ist ein einzelnes Wörterbuchwort.",
  "password_weak.names": "Es ist ein Vor- oder Nachname.",
  "password_weak.user_inputs":
    "Es enthält Ihren Benutzernamen, Ihren Namen, Ihre E-Mail-Adresse oder den Namen dieses Dienstes.",
  "password_weak.predictable":
    "Es ist ein Wort mit angehängter Jahreszahl oder Sonderzeichen – genau das probieren Ratewerkzeuge zuerst.",
  "password_weak.guessable": "Ratewerkzeuge würden es schnell finden.",
  "password_weak.advice":
    "Einige voneinander unabhängige Wörter ergeben ein starkes Passwort, das man sich leicht merkt.",
  "field_error.password_weak": "Dieses Passwort ist zu leicht zu erraten.",
  "field_error.password_too_short_min": {
    one: "Das Passwort ist zu kurz (mindestens {count} Zeichen).",
    other: "Das Passwort ist zu kurz (mindestens {count} Zeichen).",
  },
  "error.unsupported_type.title": "Nicht unterstütztes Formular",
  "error.unsupported_type.text": "Diese Seite nimmt nur Formulare an, die ein Webbrowser sendet.",
  "error.too_large.title": "Zu lang",
  "error.too_large.text":
    "Ihre Eingabe ist zu lang. Bitte kürzen Sie sie und versuchen Sie es erneut.",
  "prove_email.title": "E-Mail-Adresse bestätigen",
  "prove_email.intro":
    "Bevor Sie ein neues Passwort wählen, geben Sie den Bestätigungscode ein, den wir an {destination} gesendet haben.",
  "prove_email.submit": "Weiter",
  "prove_email.resend": "Neuen Code senden",
  "settings.email_not_nist":
    "E-Mail-Codes sind kein zweiter Faktor, den NIST SP 800-63B anerkennt: Codes sind dort nur über Kanäle zulässig, die den Besitz eines Geräts nachweisen, und ein Postfach tut das nicht. Betrachten Sie E-Mail-Codes als Erleichterung, nicht als den zweiten Faktor, den ein Vertrauensniveau verlangt.",
  "account.locked_until": "Gesperrt bis {time}",
  "account.locked_for_good": "Gesperrt bis zur Entsperrung",
  "user.unlock_heading": "Zweiter Faktor gesperrt",
  "user.unlock_explain":
    "Zu viele falsche Codes haben den zweiten Faktor von {username} gesperrt. Entsperren Sie ihn, wenn Sie wissen, dass die Versuche von dieser Person stammten; kennt womöglich jemand anderes das Passwort, verwenden Sie stattdessen „Neues Passwort erzwingen“.",
  "user.unlock": "Entsperren",
  "admin_notice.unlocked": "Der zweite Faktor wurde entsperrt.",
  "user.removed_apps": "Entfernte Authenticator-Apps",
  "user.removed_apps.column.added": "Hinzugefügt ({zone})",
  "user.removed_apps.column.removed": "Entfernt ({zone})",
  "user.removed_apps.column.by": "Von",
  "user.removed_apps.cli": "der Kommandozeile",
  "email.locked_for_good.subject": "{app}: Bestätigung nach falschen Codes gesperrt",
  "email.locked_for_good.what":
    "Für {username} wurden bei {app} zu oft hintereinander falsche Bestätigungscodes eingegeben.",
  "email.locked_for_good.locked":
    "Die Anmeldung mit einem Bestätigungscode ist gesperrt, bis ein Supervisor sie entsperrt oder „Neues Passwort erzwingen“ verwendet.",
  "email.email_changed.subject": "{app}: Ihre E-Mail-Adresse wurde geändert",
  "email.email_changed.what":
    "Die E-Mail-Adresse von {username} bei {app} wurde am {time} von {from} zu {to} geändert.",
  "email.phone_changed.subject": "{app}: Ihre Telefonnummer wurde geändert",
  "email.phone_changed.what":
    "Die Telefonnummer von {username} bei {app} wurde am {time} von {from} zu {to} geändert.",
  "email.contact_changed.if_not":
    "Wenn Sie damit nicht gerechnet haben, wenden Sie sich an Ihren Administrator.",
  "contact.none": "keine",
  "sms.phone_changed":
    "{app}: Die Telefonnummer von {username} wurde geändert. Falls unerwartet, wenden Sie sich an Ihren Administrator.",
  // Issue 12: operations and staff pages (audit log names, details, filters, CSV; user facts)
  "audit.event.signin_ok": "Angemeldet",
  "audit.event.signin_failed": "Anmeldung fehlgeschlagen",
  "audit.event.password_throttled": "Passwortversuche gedrosselt",
  "audit.event.second_factor_failed": "Falscher Bestätigungscode",
  "audit.event.second_factor_locked": "Zweiter Faktor gesperrt",
  "audit.event.challenge_ended": "Anmeldung nach falschen Codes beendet",
  "audit.event.authenticator_added": "Authenticator-App eingerichtet",
  "audit.event.password_changed": "Passwort geändert",
  "audit.event.signout": "Abgemeldet",
  "audit.event.code_sent": "Bestätigungscode gesendet",
  "audit.event.code_send_refused": "Bestätigungscode nicht gesendet (Limit erreicht)",
  "audit.event.code_send_failed": "Bestätigungscode konnte nicht gesendet werden",
  "audit.event.force_new_password": "Neues Passwort erzwingen",
  "audit.event.settings_changed": "Einstellungen geändert",
  "audit.event.user_added": "Benutzer hinzugefügt",
  "audit.event.user_changed": "Benutzer geändert",
  "audit.event.notice_send_failed": "Benachrichtigungs-E-Mail konnte nicht gesendet werden",
  "audit.detail.method": "Methode: {method}",
  "audit.detail.step_password": "Beim Passwort",
  "audit.detail.reason": "Grund: {reason}",
  "audit.detail.why.unknown_user": "unbekannter Benutzername",
  "audit.detail.why.wrong_password": "falsches Passwort",
  "audit.detail.why.inactive": "Konto deaktiviert",
  "audit.detail.failed": {
    one: "{count} falscher Code bei dieser Anmeldung",
    other: "{count} falsche Codes bei dieser Anmeldung",
  },
  "audit.detail.reused": "Der Code war bereits verwendet",
  "audit.detail.limit": "Limit: {limit}",
  "audit.detail.limit.user_burst": "Codes pro Benutzer und Methode, kurzes Intervall",
  "audit.detail.limit.user": "Codes pro Benutzer",
  "audit.detail.limit.destination": "Codes pro Adresse oder Nummer",
  "audit.detail.limit.ip": "Codes pro Client-Adresse",
  "audit.detail.limit.sms_budget": "SMS-Budget dieser Installation",
  "audit.detail.retry_after": {
    one: "Wieder möglich in {count} Sekunde",
    other: "Wieder möglich in {count} Sekunden",
  },
  "audit.detail.error": "Anbieter: {error}",
  "audit.detail.refunded": "Nicht gezählt (sicher nicht versendet)",
  "audit.detail.not_refunded": "Gezählt (möglicherweise versendet)",
  "audit.detail.notice": "Benachrichtigung: {notice}",
  "audit.detail.via_cli": "Über die Kommandozeile",
  "audit.detail.via_web": "Im Web",
  "audit.detail.role": "Rolle: {role}",
  "audit.detail.role_changed": "Rolle: {from} → {to}",
  "audit.detail.changed": "Geändert: {fields}",
  "audit.detail.deactivated": "Deaktiviert",
  "audit.detail.reactivated": "Reaktiviert",
  "audit.detail.methods": "Methoden: {from} → {to}",
  "audit.detail.no_methods": "keine (2FA aus)",
  "audit.detail.key_unreadable": "{method}: Der gespeicherte Schlüssel war nicht lesbar",
  "audit.detail.other": "{name}: {value}",
  "audit.by_cli": "Kommandozeile",
  "audit.from": "Von ({zone})",
  "audit.to": "Bis ({zone})",
  "audit.time_hint": "Beide optional; eine Uhrzeit steht für die ganze Minute.",
  "audit.bad_time":
    "Geben Sie die Zeiten als Jahr-Monat-Tag und Stunden:Minuten ein, z. B. 2030-01-31 14:05.",
  "audit.export_csv": "Diese Ereignisse als CSV herunterladen",
  "audit.column.type": "Ereignis-ID",
  "user.facts": "Konto",
  "audit.event.access_rule_changed": "Forward-Auth-Regel geändert",
  "audit.detail.host": "Host: {host}",
  "audit.detail.roles": "Rollen: {from} → {to}",
  "audit.detail.no_rule": "keine Regel (alle angemeldeten Benutzer)",
  "audit.event.second_factor_unlocked": "Zweiter Faktor entsperrt",
  "audit.detail.limit.accountAddress": "falsche Passwörter für dieses Konto von dieser Adresse",
  "audit.detail.limit.account": "falsche Passwörter für dieses Konto",
  "audit.detail.limit.address": "falsche Passwörter von dieser Adresse",
  "audit.detail.limit.device": "falsche Passwörter auf diesem Gerät",
  "audit.detail.limits": "Erreichte Limits: {limits}",
  "audit.detail.block": "Sperre Nr. {number}",
  "audit.detail.minutes": { one: "Für {count} Minute", other: "Für {count} Minuten" },
  "audit.detail.permanent": "Bis ein Supervisor ihn entsperrt",
  "audit.detail.lock.permanent": "Er war bis zur Entsperrung gesperrt",
  "audit.detail.lock.temporary": "Er war vorübergehend gesperrt",
  "audit.detail.channel": "Kanal: {channel}",
  "audit.detail.attempt": "Versuch {number}",
  "audit.detail.email": "E-Mail: {from} → {to}",
  "audit.detail.phone": "Telefon: {from} → {to}",
  "audit.detail.empty": "keine",
  // Issue 11 (branch recovery): recovery codes, remembered devices, refusal help
  "amr.rc": "Wiederherstellungscode",
  "verify.remember": {
    one: "Dieses Gerät {count} Tag lang merken",
    other: "Dieses Gerät {count} Tage lang merken",
  },
  "verify.tries_left": {
    one: "Sie haben noch {count} Versuch, bevor diese Anmeldung endet.",
    other: "Sie haben noch {count} Versuche, bevor diese Anmeldung endet.",
  },
  "verify.use_recovery": "Einen Wiederherstellungscode verwenden",
  "verify.lost_phone_heading": "Telefon verloren?",
  "verify.lost_phone":
    "Bitten Sie einen Supervisor, Ihre Anmeldung zurückzusetzen (Neues Passwort erzwingen). Danach wählen Sie ein neues Passwort und richten Ihre App neu ein.",
  "verify.lost_phone_codes":
    "Verwenden Sie einen Ihrer Wiederherstellungscodes, oder bitten Sie einen Supervisor, Ihre Anmeldung zurückzusetzen (Neues Passwort erzwingen).",
  "recovery.title": "Wiederherstellungscode verwenden",
  "recovery.intro":
    "Geben Sie einen der Wiederherstellungscodes ein, die Sie beim Einrichten Ihrer Authenticator-App gespeichert haben. Jeder Code funktioniert einmal.",
  "recovery.label": "Wiederherstellungscode",
  "recovery.hint":
    "12 Buchstaben und Ziffern, zum Beispiel ABCD-EFGH-JKMN. Bindestriche und Leerzeichen sind optional.",
  "recovery.left": {
    one: "Sie haben noch {count} Wiederherstellungscode.",
    other: "Sie haben noch {count} Wiederherstellungscodes.",
  },
  "recovery.few_left":
    "Es sind nur noch wenige: Erstellen Sie nach der Anmeldung auf Ihrer Kontoseite neue.",
  "recovery.back": "Stattdessen einen Code aus Ihrer App verwenden",
  "codes_shown.title": "Ihre Wiederherstellungscodes",
  "codes_shown.intro":
    "Wenn Sie Ihr Telefon verlieren, können Sie sich mit einem dieser Codes statt mit einem Code aus Ihrer App anmelden. Jeder Code funktioniert einmal.",
  "codes_shown.warning":
    "Speichern Sie sie jetzt an einem sicheren Ort: Sie werden nur dieses eine Mal angezeigt. Wer Ihr Passwort und einen dieser Codes hat, kann sich als Sie anmelden.",
  "codes_shown.list_label": "Wiederherstellungscodes",
  "codes_shown.download": "Als Textdatei herunterladen",
  "codes_shown.continue": "Ich habe sie gespeichert: erneut anmelden",
  "codes_shown.not_made":
    "Wiederherstellungscodes konnten gerade nicht erstellt werden. Erstellen Sie sie nach der Anmeldung auf Ihrer Kontoseite.",
  "codes_shown.file_heading": "{app}-Wiederherstellungscodes",
  "codes_shown.file_note": "Jeder Code funktioniert einmal. Bewahren Sie diese Datei sicher auf.",
  "codes_shown.bad_download":
    "Diese Anfrage enthält keine Wiederherstellungscodes zum Herunterladen.",
  "hint.clock_ahead": {
    one: "Die Uhr Ihres Telefons scheint etwa {count} Minute vorzugehen. Schalten Sie in den Einstellungen Ihres Telefons Datum und Uhrzeit automatisch ein und geben Sie dann den neuen Code ein.",
    other:
      "Die Uhr Ihres Telefons scheint etwa {count} Minuten vorzugehen. Schalten Sie in den Einstellungen Ihres Telefons Datum und Uhrzeit automatisch ein und geben Sie dann den neuen Code ein.",
  },
  "hint.clock_behind": {
    one: "Die Uhr Ihres Telefons scheint etwa {count} Minute nachzugehen. Schalten Sie in den Einstellungen Ihres Telefons Datum und Uhrzeit automatisch ein und geben Sie dann den neuen Code ein.",
    other:
      "Die Uhr Ihres Telefons scheint etwa {count} Minuten nachzugehen. Schalten Sie in den Einstellungen Ihres Telefons Datum und Uhrzeit automatisch ein und geben Sie dann den neuen Code ein.",
  },
  "hint.used":
    "Dieser Code wurde gerade verwendet. Warten Sie, bis Ihre App den nächsten Code anzeigt, und geben Sie diesen ein.",
  "hint.recovery_used":
    "Dieser Wiederherstellungscode wurde bereits verwendet. Jeder Code funktioniert einmal: Verwenden Sie einen anderen.",
  "email.recovery_issued.subject": "{app}: neue Wiederherstellungscodes",
  "email.recovery_issued.what":
    "Für {username} wurden am {time} neue Wiederherstellungscodes für {app} erstellt. Die früheren Codes funktionieren nicht mehr.",
  "email.recovery_issued.if_not":
    "Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren Supervisor.",
  "email.recovery_used.subject": "{app}: ein Wiederherstellungscode wurde verwendet",
  "email.recovery_used.what":
    "Am {time} wurde ein Wiederherstellungscode verwendet, um sich als {username} bei {app} anzumelden.",
  "email.recovery_used.left": {
    one: "Es bleibt {count} Wiederherstellungscode.",
    other: "Es bleiben {count} Wiederherstellungscodes.",
  },
  "email.recovery_used.if_not":
    "Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren Supervisor: Jemand kennt Ihr Passwort und einen Wiederherstellungscode.",
  "audit.event.recovery_codes_issued": "Wiederherstellungscodes erstellt",
  "audit.event.recovery_code_used": "Wiederherstellungscode verwendet",
  "audit.event.device_remembered": "Gerät gemerkt",
  "audit.event.device_forgotten": "Gemerktes Gerät vergessen",
  "audit.detail.left": { one: "{count} Code übrig", other: "{count} Codes übrig" },
  "audit.detail.count": { one: "{count} Code", other: "{count} Codes" },
  "audit.detail.days": { one: "Für {count} Tag", other: "Für {count} Tage" },
  "audit.detail.clock_ahead": {
    one: "Telefonuhr etwa {count} Minute vor",
    other: "Telefonuhr etwa {count} Minuten vor",
  },
  "audit.detail.clock_behind": {
    one: "Telefonuhr etwa {count} Minute nach",
    other: "Telefonuhr etwa {count} Minuten nach",
  },
  "audit.detail.remembered_device": "Zweiter Faktor übersprungen: gemerktes Gerät",
  "audit.detail.recovery_code": "Mit einem Wiederherstellungscode",
  "audit.detail.remember_days": "Geräte merken: {from} → {to} Tage",
  "audit.detail.via_setup": "Bei der Einrichtung",
  "settings.remember": "Dieses Gerät merken",
  "settings.remember_days": "Tage, die ein Gerät gemerkt wird (0 schaltet es aus)",
  "settings.remember_hint":
    "Benutzer können auf der Bestätigungsseite „Dieses Gerät merken“ ankreuzen: So viele Tage überspringt dieser Browser den zweiten Faktor, nie das Passwort. Für eine erneute Bestätigung, Forward-Auth oder eine Anwendung, die einen zweiten Faktor verlangt, zählt es nie.",
  "settings.remember_save": "Tage speichern",
  "settings.remember_bad": "Geben Sie eine ganze Zahl von Tagen zwischen 0 und 365 ein.",
  "settings.remember_saved": "Die Tage, die ein Gerät gemerkt wird, wurden gespeichert.",
  "user.devices": "Gemerkte Geräte",
  "user.devices_none": "Keine gemerkten Geräte.",
  "user.device_browser": "Browser",
  "user.device_address": "Adresse",
  "user.device_created": "Gemerkt",
  "user.device_last_used": "Zuletzt verwendet",
  "user.device_expires": "Vergessen am",
  "user.device_forget": "Vergessen",
  "user.device_forget_label": "Das am {time} gemerkte Gerät vergessen",
  "user.device_forgotten": "Das Gerät wurde vergessen: Es fragt wieder nach dem zweiten Faktor.",
  "user.recovery_left": "Verbleibende Wiederherstellungscodes",
  "user.clock_offset": "Telefonuhr beim letzten falschen Code",
  "user.clock_offset_at": "{offset} ({time})",
  // the account page, temporary passwords, user CLI (branch account, issue 11)
  "nav.account": "Ihr Konto",
  "account_page.title": "Ihr Konto",
  "account_page.methods": "Wie Sie sich anmelden",
  "account_page.password": "Passwort",
  "account_page.app": "Authenticator-App",
  "account_page.app_since": "Eingerichtet am {time}",
  "account_page.app_none": "Nicht eingerichtet",
  "account_page.replace_app": "Authenticator-App ersetzen",
  "account_page.replace_explain":
    "Für ein neues Telefon oder eine andere App. Ihre bisherige App funktioniert weiter, bis Sie einen Code der neuen bestätigen.",
  "account_page.change_password": "Passwort ändern",
  "account_page.password_explain":
    "Wenn Sie Ihr Passwort ändern, werden Sie überall sonst abgemeldet.",
  "account_page.sessions": "Wo Sie angemeldet sind",
  "account_page.column.where": "Wo",
  "account_page.column.last_used": "Zuletzt verwendet ({zone})",
  "account_page.this_session": "dieser Browser",
  "account_page.client": "{browser}, {address}",
  "account_page.browser_on": "{browser} unter {os}",
  "account_page.unknown_browser": "Unbekannter Browser",
  "account_page.unknown_address": "unbekannte Adresse",
  "account_page.end_others": "Andere Sitzungen abmelden",
  "account_page.end_others_explain":
    "Beendet alle Ihre anderen Sitzungen. Diese bleibt angemeldet.",
  "account_page.events": "Letzte Sicherheitsereignisse",
  "account_page.back": "Zurück zu Ihrem Konto",
  "account_page.notice.password_changed":
    "Ihr Passwort wurde geändert. Ihre anderen Sitzungen wurden abgemeldet.",
  "account_page.notice.app_replaced":
    "Ihre neue Authenticator-App ist eingerichtet. Codes der alten App gelten nicht mehr.",
  "account_page.notice.others_ended": "Ihre anderen Sitzungen wurden abgemeldet.",
  "account_page.notice.expired": "Das hat zu lange gedauert. Bitte beginnen Sie erneut.",
  "password_page.current": "Aktuelles Passwort",
  "password_page.intro":
    "Geben Sie Ihr aktuelles Passwort ein, dann zweimal das neue. Ihre anderen Sitzungen werden abgemeldet.",
  "replace_page.intro":
    "Fügen Sie diesen Schlüssel der neuen Authenticator-App hinzu ({app}, {username}) und geben Sie dann den angezeigten Code ein. Ihre bisherige App funktioniert bis dahin weiter.",
  "reason.current_password_wrong": "Ihr aktuelles Passwort ist nicht korrekt.",
  "reason.temporary_password_expired":
    "Dieses vorläufige Passwort ist abgelaufen. Bitten Sie einen Supervisor oder Administrator, ein neues festzulegen.",
  "audit.event.authenticator_replaced": "Authenticator-App ersetzt",
  "audit.event.other_sessions_ended": "Andere Sitzungen abgemeldet",
  "audit.event.temporary_password_set": "Vorläufiges Passwort festgelegt",
  "audit.event.current_password_wrong": "Falsches aktuelles Passwort",
  "audit.detail.via_account": "Auf der Kontoseite",
  "audit.detail.sessions_ended": {
    one: "{count} andere Sitzung beendet",
    other: "{count} andere Sitzungen beendet",
  },
  "audit.detail.generated": "Erzeugt",
  "audit.detail.typed": "Von Mitarbeitenden eingegeben",
  "audit.detail.must_change": "Muss bei der nächsten Anmeldung geändert werden",
  "audit.detail.may_keep": "Darf beibehalten werden",
  "audit.detail.why.temporary_password_expired": "vorläufiges Passwort abgelaufen",
  "email.password_changed.subject": "{app}: Ihr Passwort wurde geändert",
  "email.password_changed.what":
    "Das Passwort von {username} bei {app} wurde am {time} geändert. Ihre anderen Sitzungen wurden abgemeldet.",
  "email.app_replaced.subject": "{app}: Authenticator-App ersetzt",
  "email.app_replaced.what":
    "Die Authenticator-App von {username} bei {app} wurde am {time} ersetzt. Codes der alten App gelten nicht mehr.",
  "email.sessions_ended.subject": "{app}: andere Sitzungen abgemeldet",
  "email.sessions_ended.what":
    "Ihre anderen Sitzungen von {username} bei {app} wurden am {time} abgemeldet.",
  "email.temporary_password.subject": "{app}: ein neues Passwort wurde für Sie festgelegt",
  "email.temporary_password.what":
    "Für {username} bei {app} wurde am {time} ein neues Passwort festgelegt. Ihre Sitzungen wurden abgemeldet.",
  "email.temporary_password.change":
    "Es ist ein vorläufiges Passwort: Bei der nächsten Anmeldung wählen Sie Ihr eigenes. Es gilt {count} Stunden.",
  "email.account.if_you": "Wenn Sie das waren, ist nichts zu tun.",
  "email.account.if_not":
    "Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren Supervisor oder Administrator.",
  "temp_password.heading": "Passwort vergessen?",
  "temp_password.explain":
    "Legen Sie ein vorläufiges Passwort für {username} fest: Die Sitzungen enden, es muss bei der nächsten Anmeldung geändert werden und gilt {count} Stunden. Die Person wird per E-Mail informiert.",
  "temp_password.generate": "Vorläufiges Passwort erzeugen",
  "temp_password.or_type": "Oder eines eingeben",
  "temp_password.label": "Vorläufiges Passwort",
  "temp_password.set": "Dieses Passwort festlegen",
  "temp_password.shown_title": "Vorläufiges Passwort für {username}",
  "temp_password.shown_intro":
    "Geben Sie dieses Passwort {username} telefonisch oder persönlich weiter, nie per E-Mail. Es wird nur dieses eine Mal angezeigt und gilt bis {time}.",
  "audit.detail.valid_hours": {
    one: "Gültig für {count} Stunde",
    other: "Gültig für {count} Stunden",
  },
  "admin_notice.temporary_set":
    "Das vorläufige Passwort wurde festgelegt. Die Sitzungen wurden beendet.",
  // Issue 11 (branch recovery): the account page's recovery sections
  "account_page.recovery": "Wiederherstellungscodes",
  "account_page.recovery_none":
    "Sie haben keine Wiederherstellungscodes mehr. Erstellen Sie neue: Ohne sie müssen Sie bei verlorenem Telefon einen Supervisor fragen.",
  "account_page.recovery_few": "Erstellen Sie bald neue.",
  "account_page.recovery_new": "Neue Wiederherstellungscodes",
  "account_page.recovery_new_intro":
    "Zehn neue Codes ersetzen Ihre jetzigen: Die alten Codes funktionieren sofort nicht mehr.",
  "account_page.recovery_make": "Neue Codes erstellen",
  "codes_shown.back_to_account": "Ich habe sie gespeichert: zurück zu meinem Konto",
};
