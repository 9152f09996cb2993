import type { WordTable } from "./catalogue.js";

/**
 * French: "vous"; product terms as the French UI uses them throughout ("application
 * d'authentification", "Forcer un nouveau mot de passe", "code de vérification",
 * "Se connecter"). A no-break space (\u00a0) precedes : ? ; and sits inside « ».
 * Intl.PluralRules("fr") has a "many" form (1 000 000 and up): "de minutes".
 */
export const fr: WordTable = {
  // Every page
  "layout.title": "{page} · {app}",
  "common.sign_out": "Se déconnecter",
  "common.save": "Enregistrer",
  "common.yes": "Oui",
  "common.no": "Non",
  "nav.home": "Accueil",
  "nav.start_page": "Aller à la page d'accueil",
  "nav.all_users": "Tous les utilisateurs",
  "nav.users": "Utilisateurs",
  "nav.settings": "Paramètres",
  "nav.audit": "Journal d'audit",

  // Dates and times
  "time.date_time": "{day}/{month}/{year} à {hour}:{minute} {zone}",
  "time.date_time_seconds": "{day}/{month}/{year} à {hour}:{minute}:{second} {zone}",
  "time.never": "jamais",
  "wait.seconds": {
    one: "Réessayez dans {count} seconde.",
    many: "Réessayez dans {count} de secondes.",
    other: "Réessayez dans {count} secondes.",
  },
  "wait.minutes": {
    one: "Réessayez dans environ {count} minute.",
    many: "Réessayez dans environ {count} de minutes.",
    other: "Réessayez dans environ {count} minutes.",
  },

  // Login
  "login.title": "Connexion",
  "login.heading": "Connexion à {app}",
  "login.username": "Nom d'utilisateur",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",

  // Notices on the Login page
  "notice.app_added":
    "Votre application d'authentification a été ajoutée. Veuillez vous reconnecter pour continuer.",
  "notice.signed_out": "Votre session a été fermée.",
  "notice.expired": "Votre connexion a expiré. Veuillez vous reconnecter.",
  "notice.too_many_codes": "Trop de codes incorrects. Veuillez vous reconnecter.",
  "notice.locked":
    "Trop de codes incorrects pour ce compte. La vérification est bloquée pour un moment.",

  // Refusals
  "reason.bad_credentials": "Le nom d'utilisateur ou le mot de passe est incorrect.",
  "reason.throttled": "Trop de tentatives échouées. Veuillez patienter avant de réessayer.",
  "reason.busy": "Le service est surchargé. Veuillez réessayer dans un instant.",
  "reason.expired": "Votre connexion a expiré. Veuillez vous reconnecter.",
  "reason.wrong_step":
    "Cette étape n'est pas disponible pour le moment. Veuillez continuer ci-dessous.",
  "reason.malformed_code": "Saisissez le code à 6 chiffres.",
  "reason.invalid_code": "Ce code n'est pas valide. Vérifiez-le et réessayez.",
  "reason.too_many_codes": "Trop de codes incorrects. Veuillez vous reconnecter.",
  "reason.second_factor_locked":
    "Trop de codes incorrects pour ce compte. La vérification est bloquée pour un moment.",
  "reason.password_mismatch": "Les deux mots de passe ne correspondent pas.",
  "reason.password_too_short": "Le nouveau mot de passe est trop court.",
  "reason.password_too_short_min": {
    one: "Le nouveau mot de passe est trop court (au moins {count} caractère).",
    many: "Le nouveau mot de passe est trop court (au moins {count} de caractères).",
    other: "Le nouveau mot de passe est trop court (au moins {count} caractères).",
  },
  "reason.password_too_long": "Le nouveau mot de passe est trop long (128 caractères au maximum).",
  "reason.password_is_username":
    "Le nouveau mot de passe ne doit pas être votre nom d'utilisateur.",
  "reason.password_is_old": "Le nouveau mot de passe doit être différent de l'actuel.",
  "reason.password_common":
    "Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre.",
  "reason.method_unavailable": "Cette méthode n'est pas disponible pour votre compte.",
  "reason.send_throttled":
    "Trop de codes envoyés. Veuillez patienter avant d'en demander un autre.",
  "reason.send_failed":
    "Nous n'avons pas pu envoyer le code — réessayez ou utilisez une autre méthode.",

  // Choose a new password
  "new_password.title": "Choisissez un nouveau mot de passe",
  "new_password.intro": "Vous devez choisir un nouveau mot de passe avant de continuer.",
  "new_password.label": "Nouveau mot de passe",
  "new_password.hint": {
    one: "Au moins {count} caractère. Une longue phrase est plus facile à retenir qu'un mot compliqué.",
    many: "Au moins {count} de caractères. Une longue phrase est plus facile à retenir qu'un mot compliqué.",
    other:
      "Au moins {count} caractères. Une longue phrase est plus facile à retenir qu'un mot compliqué.",
  },
  "new_password.confirm_label": "Confirmer le nouveau mot de passe",

  // The code field
  "code.label": "Code de vérification",
  "code.hint": "Le code à 6 chiffres.",

  // Set up the authenticator app
  "setup.title": "Configurez votre application d'authentification",
  "setup.intro":
    "Ajoutez votre compte {app} ({username}) à une application d'authentification comme Google Authenticator ou Microsoft Authenticator, puis saisissez le code à 6 chiffres qu'elle affiche.",
  "setup.qr_label": "Code QR pour votre application d'authentification",
  "setup.manual_key":
    "Impossible de le scanner\u00a0? Saisissez plutôt cette clé dans votre application\u00a0:",
  "setup.show_qr": "Afficher le code QR",

  // Verification
  "verify.title": "Vérification",
  "verify.app_hint":
    "Ouvrez votre application d'authentification et saisissez le code à 6 chiffres pour {app}.",
  "verify.submit": "Confirmer",

  // Codes by email or SMS
  "codes.label": "Autres moyens de recevoir un code",
  "codes.none_available":
    "Aucune méthode de vérification n'est disponible pour votre compte. Veuillez contacter votre administrateur.",
  "codes.sent_email": {
    one: "Nous avons envoyé un code de vérification par e-mail à {destination}. Il est encore valable {count} minute.",
    many: "Nous avons envoyé un code de vérification par e-mail à {destination}. Il est encore valable {count} de minutes.",
    other:
      "Nous avons envoyé un code de vérification par e-mail à {destination}. Il est encore valable {count} minutes.",
  },
  "codes.sent_sms": {
    one: "Nous avons envoyé un code de vérification par SMS au {destination}. Il est encore valable {count} minute.",
    many: "Nous avons envoyé un code de vérification par SMS au {destination}. Il est encore valable {count} de minutes.",
    other:
      "Nous avons envoyé un code de vérification par SMS au {destination}. Il est encore valable {count} minutes.",
  },
  "codes.resend_wait": {
    one: "Vous pourrez demander un nouveau code dans {count} seconde.",
    many: "Vous pourrez demander un nouveau code dans {count} de secondes.",
    other: "Vous pourrez demander un nouveau code dans {count} secondes.",
  },
  "codes.resend_now": "Vous ne l'avez pas reçu\u00a0? Vous pouvez envoyer un nouveau code.",
  "codes.send_email": "Envoyer le code de vérification par e-mail",
  "codes.send_sms": "Envoyer le code de vérification par SMS",
  "codes.dev_outbox":
    "Développement\u00a0: aucun fournisseur d'e-mail ou de SMS n'est configuré, les messages vont donc dans la {outbox}.",
  "codes.dev_outbox_link": "boîte d'envoi de développement",

  // Development outbox
  "outbox.title": "Boîte d'envoi de développement",
  "outbox.intro":
    "Aucun serveur de messagerie ni fournisseur de SMS n'est configuré\u00a0: les messages sont conservés ici (les plus récents d'abord, en mémoire, en développement uniquement).",
  "outbox.empty": "Aucun message pour l'instant.",
  "outbox.email_to": "E-mail à {to}",
  "outbox.sms_to": "SMS au {to}",
  "outbox.back": "Retour à la connexion",

  // Home
  "home.title": "Accueil",
  "home.welcome": "Bienvenue, {name}",
  "home.signed_in": "Vous êtes connecté à {app} en tant que {username}.",

  // Error pages
  "error.form_expired.title": "Ce formulaire a expiré",
  "error.form_expired.text": "Rechargez la page et réessayez.",
  "error.bad_request.title": "Requête incorrecte",
  "error.bad_request.text": "La requête n'a pas pu être lue.",
  "error.unavailable.title": "Service indisponible",
  "error.unavailable.text":
    "Le service est temporairement indisponible. Veuillez réessayer dans quelques instants.",
  "error.not_found.title": "Page introuvable",
  "error.not_found.text": "Il n'y a aucune page à cette adresse.",
  "error.no_such_user.text": "Cet utilisateur n'existe pas.",
  "error.forbidden.title": "Accès refusé",
  "error.forbidden.text": "Votre compte ne peut pas ouvrir cette page.",

  // Facts about an account
  "account.username": "Nom d'utilisateur",
  "account.name": "Nom",
  "account.email": "E-mail",
  "account.phone": "Téléphone",
  "account.role": "Rôle",
  "account.app_set_up": "Application configurée",
  "account.second_factor_locked": "Second facteur bloqué",
  "account.must_change_password": "Doit changer de mot de passe",
  "account.last_sign_in": "Dernière connexion",
  "account.status": "Statut",
  "account.active": "Actif",
  "account.deactivated": "Désactivé",
  "account.locked": "Bloqué",

  "role.user": "Utilisateur",
  "role.supervisor": "Superviseur",
  "role.administrator": "Administrateur",

  // Users
  "users.title": "Utilisateurs",
  "users.search_label": "Rechercher par nom d'utilisateur ou e-mail",
  "users.search": "Rechercher",
  "users.add": "Ajouter un utilisateur",
  "users.count": {
    one: "{count} utilisateur.",
    many: "{count} d'utilisateurs.",
    other: "{count} utilisateurs.",
  },
  "users.count_matching": {
    one: "{count} utilisateur trouvé.",
    many: "{count} d'utilisateurs trouvés.",
    other: "{count} utilisateurs trouvés.",
  },
  "users.first_page": "Première page",
  "users.previous_page": "Page précédente",
  "users.next_page": "Page suivante",

  // One user's page
  "user.title": "Utilisateur {username}",
  "user.not_saved":
    "Les modifications n'ont pas été enregistrées\u00a0: vérifiez les champs signalés ci-dessous.",
  "user.lost_access": "Accès à l'application d'authentification perdu\u00a0?",
  "user.force_explain":
    "«\u00a0Forcer un nouveau mot de passe\u00a0» met fin aux sessions de {username}, supprime son application d'authentification et l'oblige à choisir un nouveau mot de passe et à reconfigurer l'application à la prochaine connexion.",
  "user.force": "Forcer un nouveau mot de passe",
  "user.cannot_change": "Vous ne pouvez pas modifier ce compte.",
  "user.cannot_change_own": "Vous ne pouvez pas modifier ce compte (c'est le vôtre).",
  "user.sessions": "Sessions",
  "user.no_sessions": "Aucune session active.",
  "sessions.column.started": "Ouverte ({zone})",
  "sessions.column.proved": "Prouvée ({zone})",
  "sessions.column.how": "Comment",
  "sessions.column.ends": "Expire ({zone})",
  "amr.pwd": "Mot de passe",
  "amr.otp": "Application d'authentification",
  "amr.sms": "Code par SMS",
  "amr.email": "Code par e-mail",
  "user.recent_events": "Événements récents",
  "user.edit": "Modifier",
  "user.access": "Accès",
  "user.deactivate_explain":
    "Un utilisateur désactivé ne peut pas se connecter\u00a0; ses sessions prennent fin immédiatement.",
  "user.inactive_explain": "Cet utilisateur ne peut pas se connecter.",
  "user.deactivate": "Désactiver",
  "user.reactivate": "Réactiver",

  // Profile fields
  "profile.display_name": "Nom affiché",
  "profile.email": "E-mail",
  "profile.phone": "Téléphone (format international)",
  "profile.role": "Rôle",

  // Field errors
  "field_error.username_invalid":
    "Utilisez de 1 à 64 caractères parmi a–z, 0–9 et . _ @ -, en commençant par une lettre ou un chiffre.",
  "field_error.username_taken": "Ce nom d'utilisateur est déjà pris.",
  "field_error.display_name_invalid": "100 caractères au maximum, sans caractères de contrôle.",
  "field_error.email_invalid":
    "Saisissez une adresse e-mail comme name@example.org, ou laissez le champ vide.",
  "field_error.phone_invalid":
    "Saisissez le numéro au format international, par ex. +61412345678, ou laissez le champ vide.",
  "field_error.role_invalid": "Choisissez Utilisateur ou Superviseur.",
  "field_error.password_too_short": "Le mot de passe est trop court.",
  "field_error.password_too_long": "Le mot de passe est trop long (128 caractères au maximum).",
  "field_error.password_is_username": "Le mot de passe ne doit pas être le nom d'utilisateur.",
  "field_error.password_common":
    "Ce mot de passe est trop courant et facile à deviner. Choisissez-en un autre.",

  // Notices on staff pages
  "admin_notice.forced":
    "«\u00a0Forcer un nouveau mot de passe\u00a0» effectué\u00a0: les sessions de l'utilisateur ont pris fin, l'application d'authentification a été supprimée et il devra choisir un nouveau mot de passe à la prochaine connexion.",
  "admin_notice.forced_emailed":
    "«\u00a0Forcer un nouveau mot de passe\u00a0» effectué\u00a0: les sessions de l'utilisateur ont pris fin, l'application d'authentification a été supprimée et il devra choisir un nouveau mot de passe à la prochaine connexion. Il en a été informé par e-mail.",
  "admin_notice.saved": "Les modifications ont été enregistrées.",
  "admin_notice.added":
    "L'utilisateur a été ajouté. Il devra choisir un nouveau mot de passe à sa première connexion.",
  "admin_notice.deactivated":
    "L'utilisateur a été désactivé\u00a0: ses sessions ont pris fin et il ne peut plus se connecter.",
  "admin_notice.reactivated": "L'utilisateur a été réactivé et peut de nouveau se connecter.",
  "admin_notice.methods_saved": "Les méthodes de connexion ont été enregistrées.",

  // Force New Password, the confirmation page
  "force.title": "Forcer un nouveau mot de passe",
  "force.heading": "Forcer un nouveau mot de passe pour {name}\u00a0?",
  "force.name": "{displayName} ({username})",
  "force.explain":
    "Toutes les sessions de {name} prendront fin. Son application d'authentification sera supprimée. À la prochaine connexion, il faudra saisir le mot de passe actuel, en choisir un nouveau et configurer de nouveau l'application d'authentification avec une nouvelle clé.",
  "force.submit": "Forcer un nouveau mot de passe",
  "force.cancel": "Annuler",

  // Add a user
  "add_user.title": "Ajouter un utilisateur",
  "add_user.not_added":
    "L'utilisateur n'a pas été ajouté\u00a0: vérifiez les champs signalés ci-dessous.",
  "add_user.username": "Nom d'utilisateur",
  "add_user.password": "Mot de passe temporaire",
  "add_user.password_hint":
    "Remettez-le en main propre à l'utilisateur\u00a0; il devra choisir le sien à la première connexion.",

  // Settings
  "settings.title": "Paramètres",
  "settings.not_saved": "Non enregistré\u00a0: {problem}.",
  "settings.methods": "Méthodes de second facteur",
  "settings.methods_legend":
    "Méthodes que les utilisateurs peuvent employer après leur mot de passe",
  "settings.methods_strength":
    "Les codes par SMS et par e-mail sont moins sûrs que l'application d'authentification\u00a0: la norme NIST SP 800-63B classe les codes envoyés par le réseau téléphonique comme restreints (un numéro peut être transféré sur une autre carte SIM ou intercepté), et un code par e-mail n'est pas plus sûr que la boîte aux lettres. Privilégiez l'application\u00a0; activez les SMS ou l'e-mail en secours.",
  "settings.methods_turning_off":
    "La désactivation d'une méthode prend effet à la prochaine connexion de chaque utilisateur\u00a0; les utilisateurs connectés le restent. Ceux qui l'utilisaient se voient proposer les méthodes encore activées\u00a0: sans l'application, ils reçoivent des codes par SMS ou par e-mail (leur application reste enregistrée et fonctionne de nouveau si l'application est réactivée)\u00a0; sans les SMS ou sans l'e-mail, les utilisateurs qui n'ont ni l'application ni l'autre coordonnée ne peuvent pas terminer leur connexion tant qu'un administrateur ne l'a pas ajoutée, ou que l'application n'est pas activée et configurée. Si aucune méthode n'est activée, les utilisateurs se connectent avec leur seul mot de passe.",

  "method.app": "Application d'authentification",
  "method.sms": "SMS",
  "method.email": "E-mail",

  // Audit log
  "audit.title": "Journal d'audit",
  "audit.user": "Utilisateur",
  "audit.type": "Type d'événement",
  "audit.any_type": "Tous",
  "audit.filter": "Filtrer",
  "audit.older": "Événements plus anciens",
  "audit.none": "Aucun événement.",
  "audit.column.time": "Heure ({zone})",
  "audit.column.event": "Événement",
  "audit.column.user": "Utilisateur",
  "audit.column.by": "Par",
  "audit.column.address": "Adresse",
  "audit.column.detail": "Détails",
  "audit.by_self": "lui-même",

  // Email: a verification code
  "email.code.subject": "Votre code de vérification {app}",
  "email.code.intro": "Votre code de vérification {app} est",
  "email.code.text": "Votre code de vérification {app} est {code}",
  "email.code.expiry": {
    one: "Il expire dans {count} minute.",
    many: "Il expire dans {count} de minutes.",
    other: "Il expire dans {count} minutes.",
  },
  "email.code.not_you":
    "Si vous n'avez pas essayé de vous connecter, vous pouvez ignorer cet e-mail.",

  // SMS: a verification code
  "sms.code": {
    one: "{code} est votre code de vérification {app}. Il expire dans {count} minute.",
    many: "{code} est votre code de vérification {app}. Il expire dans {count} de minutes.",
    other: "{code} est votre code de vérification {app}. Il expire dans {count} minutes.",
  },

  // Email: an authenticator app was added
  "email.app_added.subject": "{app}\u00a0: application d'authentification ajoutée",
  "email.app_added.what":
    "Une application d'authentification a été configurée pour {username} sur {app} le {time}.",
  "email.app_added.if_you": "Si c'était vous, il n'y a rien à faire.",
  "email.app_added.if_not":
    "Sinon, contactez votre administrateur et demandez-lui de «\u00a0Forcer un nouveau mot de passe\u00a0».",

  // Email: wrong codes paused the second factor
  "email.locked.subject": "{app}\u00a0: connexion suspendue après des codes erronés",
  "email.locked.what":
    "Trop de codes de vérification erronés ont été saisis pour {username} sur {app}.",
  "email.locked.paused": {
    one: "La connexion avec un code de vérification est suspendue pendant {count} minute.",
    many: "La connexion avec un code de vérification est suspendue pendant {count} de minutes.",
    other: "La connexion avec un code de vérification est suspendue pendant {count} minutes.",
  },
  "email.locked.if_not":
    "Si ce n'était pas vous, quelqu'un connaît peut-être votre mot de passe\u00a0: changez-le et prévenez votre administrateur.",

  // Email: a supervisor used Force New Password
  "email.forced.subject": "{app}\u00a0: votre connexion a été réinitialisée",
  "email.forced.what":
    "Un superviseur a réinitialisé la connexion de {username} sur {app} le {time}.",
  "email.forced.next":
    "À votre prochaine connexion, saisissez votre mot de passe actuel, choisissez-en un nouveau et configurez de nouveau votre application d'authentification.",
  "email.forced.if_not": "Si vous n'avez pas fait cette demande, contactez votre administrateur.",

  // Issue 10: applications sign in through Vestibule (OpenID Connect, forward-auth)
  "oidc.expired.title": "Cette connexion a expiré",
  "oidc.expired.text": "Retournez à l'application et connectez-vous de nouveau.",
  "forward.refused.title": "Cette adresse ne peut pas être ouverte",
  "forward.refused.text":
    "Le lien de connexion mène à une adresse extérieure à cette organisation\u00a0; il n'a donc pas été suivi.",
  "forward.forbidden.title": "Non accessible à votre compte",
  "forward.forbidden.text":
    "Vous êtes connecté en tant que {username}, mais {host} n'est pas accessible à votre compte.",
  "forward.no_second_factor.text":
    "{host} exige une connexion avec un second facteur, et les seconds facteurs sont désactivés ici. Adressez-vous à votre administrateur.",
  // Issue 14: the security audit (locks, passwords, staff actions, notices)
  "wait.hours": {
    one: "Réessayez dans environ {count}\u00a0heure.",
    many: "Réessayez dans environ {count}\u00a0d'heures.",
    other: "Réessayez dans environ {count}\u00a0heures.",
  },
  "reason.second_factor_locked_for_good":
    "Trop de codes erronés pour ce compte\u00a0: la vérification est bloquée jusqu'à ce qu'un superviseur la débloque. Contactez votre superviseur.",
  "notice.locked_for_good":
    "Trop de codes erronés pour ce compte\u00a0: la vérification est bloquée jusqu'à ce qu'un superviseur la débloque. Contactez votre superviseur.",
  "notice.key_replaced":
    "Votre application d'authentification a été configurée lors d'une autre connexion, avec une autre clé\u00a0: la clé affichée ici n'a pas été enregistrée. Si vous l'avez ajoutée à votre application, supprimez-la. Veuillez vous reconnecter.",
  "reason.password_weak": "Ce mot de passe est trop facile à deviner.",
  "password_weak.common":
    "C'est un mot de passe courant, proche d'un tel mot de passe ou connu par une fuite de données.",
  "password_weak.repeated": "Il répète des caractères ou des mots.",
  "password_weak.sequences": "Il contient une suite comme abcd ou 6543.",
  "password_weak.keyboard": "Il suit le clavier, comme azerty.",
  "password_weak.dates": "Il repose sur une date ou une année récente.",
  "password_weak.single_word": "C'est un seul mot du dictionnaire.",
  "password_weak.names": "C'est un prénom ou un nom de famille.",
  "password_weak.user_inputs":
    "Il contient votre nom d'utilisateur, votre nom, votre adresse e-mail ou le nom de ce service.",
  "password_weak.predictable":
    "C'est un mot suivi d'une année ou de symboles, ce que les outils de devinette essaient en premier.",
  "password_weak.guessable": "Les outils de devinette le trouveraient vite.",
  "password_weak.advice":
    "Quelques mots sans rapport entre eux font un mot de passe solide et facile à retenir.",
  "field_error.password_weak": "Ce mot de passe est trop facile à deviner.",
  "field_error.password_too_short_min": {
    one: "Le mot de passe est trop court (au moins {count}\u00a0caractère).",
    many: "Le mot de passe est trop court (au moins {count}\u00a0de caractères).",
    other: "Le mot de passe est trop court (au moins {count}\u00a0caractères).",
  },
  "error.unsupported_type.title": "Formulaire non pris en charge",
  "error.unsupported_type.text":
    "Cette page n'accepte que les formulaires envoyés par un navigateur web.",
  "error.too_large.title": "Trop long",
  "error.too_large.text": "Ce que vous avez envoyé est trop long. Raccourcissez-le et réessayez.",
  "prove_email.title": "Confirmez votre adresse e-mail",
  "prove_email.intro":
    "Avant de choisir un nouveau mot de passe, saisissez le code de vérification que nous avons envoyé à {destination}.",
  "prove_email.submit": "Continuer",
  "prove_email.resend": "Envoyer un nouveau code",
  "settings.email_not_nist":
    "Les codes par e-mail ne sont pas un second facteur reconnu par la NIST SP 800-63B\u00a0: elle n'admet les codes que par des canaux qui prouvent la possession d'un appareil, ce que ne fait pas une boîte aux lettres. Considérez les codes par e-mail comme une commodité, non comme le second facteur qu'exige un niveau d'assurance.",
  "account.locked_until": "Bloqué jusqu'au {time}",
  "account.locked_for_good": "Bloqué jusqu'au déblocage",
  "user.unlock_heading": "Second facteur bloqué",
  "user.unlock_explain":
    "Trop de codes erronés ont bloqué le second facteur de {username}. Débloquez-le si vous savez que ces tentatives venaient de cette personne\u00a0; si quelqu'un d'autre connaît peut-être son mot de passe, utilisez plutôt «\u00a0Forcer un nouveau mot de passe\u00a0».",
  "user.unlock": "Débloquer",
  "admin_notice.unlocked": "Le second facteur a été débloqué.",
  "user.removed_apps": "Applications d'authentification supprimées",
  "user.removed_apps.column.added": "Ajoutée ({zone})",
  "user.removed_apps.column.removed": "Supprimée ({zone})",
  "user.removed_apps.column.by": "Par",
  "user.removed_apps.cli": "la ligne de commande",
  "email.locked_for_good.subject": "{app}\u00a0: vérification bloquée après des codes erronés",
  "email.locked_for_good.what":
    "Des codes de vérification erronés ont été saisis trop de fois de suite pour {username} sur {app}.",
  "email.locked_for_good.locked":
    "La connexion avec un code de vérification est bloquée jusqu'à ce qu'un superviseur la débloque ou utilise «\u00a0Forcer un nouveau mot de passe\u00a0».",
  "email.email_changed.subject": "{app}\u00a0: votre adresse e-mail a été modifiée",
  "email.email_changed.what":
    "L'adresse e-mail de {username} sur {app} a été modifiée le {time}, de {from} à {to}.",
  "email.phone_changed.subject": "{app}\u00a0: votre numéro de téléphone a été modifié",
  "email.phone_changed.what":
    "Le numéro de téléphone de {username} sur {app} a été modifié le {time}, de {from} à {to}.",
  "email.contact_changed.if_not":
    "Si vous ne vous y attendiez pas, contactez votre administrateur.",
  "contact.none": "aucun",
  "sms.phone_changed":
    "{app}\u00a0: le numéro de téléphone de {username} a été modifié. Si c'est inattendu, contactez votre administrateur.",
  // Issue 12: operations and staff pages (audit log names, details, filters, CSV; user facts)
  "audit.event.signin_ok": "Connexion réussie",
  "audit.event.signin_failed": "Échec de connexion",
  "audit.event.password_throttled": "Tentatives de mot de passe limitées",
  "audit.event.second_factor_failed": "Code de vérification erroné",
  "audit.event.second_factor_locked": "Second facteur bloqué",
  "audit.event.challenge_ended": "Connexion interrompue après des codes erronés",
  "audit.event.authenticator_added": "Application d'authentification configurée",
  "audit.event.password_changed": "Mot de passe modifié",
  "audit.event.signout": "Déconnexion",
  "audit.event.code_sent": "Code de vérification envoyé",
  "audit.event.code_send_refused": "Code de vérification non envoyé (limite atteinte)",
  "audit.event.code_send_failed": "Le code de vérification n'a pas pu être envoyé",
  "audit.event.force_new_password": "Forcer un nouveau mot de passe",
  "audit.event.settings_changed": "Paramètres modifiés",
  "audit.event.user_added": "Utilisateur ajouté",
  "audit.event.user_changed": "Utilisateur modifié",
  "audit.event.notice_send_failed": "L'e-mail de notification n'a pas pu être envoyé",
  "audit.detail.method": "Méthode\u00a0: {method}",
  "audit.detail.step_password": "À l'étape du mot de passe",
  "audit.detail.reason": "Motif\u00a0: {reason}",
  "audit.detail.why.unknown_user": "nom d'utilisateur inconnu",
  "audit.detail.why.wrong_password": "mot de passe erroné",
  "audit.detail.why.inactive": "compte désactivé",
  "audit.detail.failed": {
    one: "{count} code erroné pendant cette connexion",
    many: "{count} codes erronés pendant cette connexion",
    other: "{count} codes erronés pendant cette connexion",
  },
  "audit.detail.reused": "Le code avait déjà été utilisé",
  "audit.detail.limit": "Limite\u00a0: {limit}",
  "audit.detail.limit.user_burst": "codes par utilisateur et méthode, intervalle court",
  "audit.detail.limit.user": "codes par utilisateur",
  "audit.detail.limit.destination": "codes par adresse ou numéro",
  "audit.detail.limit.ip": "codes par adresse du client",
  "audit.detail.limit.sms_budget": "budget SMS de cette installation",
  "audit.detail.retry_after": {
    one: "De nouveau possible dans {count} seconde",
    many: "De nouveau possible dans {count} secondes",
    other: "De nouveau possible dans {count} secondes",
  },
  "audit.detail.error": "Fournisseur\u00a0: {error}",
  "audit.detail.refunded": "Non compté (il n'est certainement pas parti)",
  "audit.detail.not_refunded": "Compté (il est peut-être parti)",
  "audit.detail.notice": "Notification\u00a0: {notice}",
  "audit.detail.via_cli": "Par la ligne de commande",
  "audit.detail.via_web": "Sur le web",
  "audit.detail.role": "Rôle\u00a0: {role}",
  "audit.detail.role_changed": "Rôle\u00a0: {from} → {to}",
  "audit.detail.changed": "Modifié\u00a0: {fields}",
  "audit.detail.deactivated": "Désactivé",
  "audit.detail.reactivated": "Réactivé",
  "audit.detail.methods": "Méthodes\u00a0: {from} → {to}",
  "audit.detail.no_methods": "aucune (2FA désactivée)",
  "audit.detail.key_unreadable": "{method}\u00a0: la clé enregistrée n'a pas pu être lue",
  "audit.detail.other": "{name}\u00a0: {value}",
  "audit.by_cli": "ligne de commande",
  "audit.from": "Du ({zone})",
  "audit.to": "Au ({zone})",
  "audit.time_hint": "Tous deux facultatifs\u00a0; une heure seule vaut pour toute la minute.",
  "audit.bad_time":
    "Saisissez les heures sous la forme année-mois-jour et heures:minutes, par exemple 2030-01-31 14:05.",
  "audit.export_csv": "Télécharger ces événements en CSV",
  "audit.column.type": "Identifiant de l'événement",
  "user.facts": "Compte",
  "audit.event.access_rule_changed": "Règle forward-auth modifiée",
  "audit.detail.host": "Hôte\u00a0: {host}",
  "audit.detail.roles": "Rôles\u00a0: {from} → {to}",
  "audit.detail.no_rule": "aucune règle (tout utilisateur connecté)",
  "audit.event.second_factor_unlocked": "Second facteur débloqué",
  "audit.detail.limit.accountAddress": "mots de passe erronés pour ce compte depuis cette adresse",
  "audit.detail.limit.account": "mots de passe erronés pour ce compte",
  "audit.detail.limit.address": "mots de passe erronés depuis cette adresse",
  "audit.detail.limit.device": "mots de passe erronés sur cet appareil",
  "audit.detail.limits": "Limites atteintes\u00a0: {limits}",
  "audit.detail.block": "Blocage n°\u00a0{number}",
  "audit.detail.minutes": {
    one: "Pendant {count} minute",
    many: "Pendant {count} minutes",
    other: "Pendant {count} minutes",
  },
  "audit.detail.permanent": "Jusqu'au déblocage par un superviseur",
  "audit.detail.lock.permanent": "Il était bloqué jusqu'au déblocage",
  "audit.detail.lock.temporary": "Il était bloqué temporairement",
  "audit.detail.channel": "Canal\u00a0: {channel}",
  "audit.detail.attempt": "Tentative {number}",
  "audit.detail.email": "E-mail\u00a0: {from} → {to}",
  "audit.detail.phone": "Téléphone\u00a0: {from} → {to}",
  "audit.detail.empty": "aucun",
  // Issue 11 (branch recovery): recovery codes, remembered devices, refusal help
  "amr.rc": "Code de récupération",
  "verify.remember": {
    one: "Se souvenir de cet appareil pendant {count} jour",
    many: "Se souvenir de cet appareil pendant {count} de jours",
    other: "Se souvenir de cet appareil pendant {count} jours",
  },
  "verify.tries_left": {
    one: "Il vous reste {count} essai avant la fin de cette connexion.",
    many: "Il vous reste {count} d'essais avant la fin de cette connexion.",
    other: "Il vous reste {count} essais avant la fin de cette connexion.",
  },
  "verify.use_recovery": "Utiliser un code de récupération",
  "verify.lost_phone_heading": "Vous avez perdu votre téléphone ?",
  "verify.lost_phone":
    "Demandez à un superviseur de réinitialiser votre connexion (Forcer un nouveau mot de passe). Vous choisirez ensuite un nouveau mot de passe et configurerez à nouveau votre application.",
  "verify.lost_phone_codes":
    "Utilisez l'un de vos codes de récupération, ou demandez à un superviseur de réinitialiser votre connexion (Forcer un nouveau mot de passe).",
  "recovery.title": "Utiliser un code de récupération",
  "recovery.intro":
    "Saisissez l'un des codes de récupération que vous avez enregistrés lors de la configuration de votre application d'authentification. Chaque code ne fonctionne qu'une fois.",
  "recovery.label": "Code de récupération",
  "recovery.hint":
    "12 lettres et chiffres, par exemple ABCD-EFGH-JKMN. Les tirets et les espaces sont facultatifs.",
  "recovery.left": {
    one: "Il vous reste {count} code de récupération.",
    many: "Il vous reste {count} de codes de récupération.",
    other: "Il vous reste {count} codes de récupération.",
  },
  "recovery.few_left":
    "Il en reste peu : après la connexion, créez-en de nouveaux sur la page de votre compte.",
  "recovery.back": "Utiliser plutôt un code de votre application",
  "codes_shown.title": "Vos codes de récupération",
  "codes_shown.intro":
    "Si vous perdez votre téléphone, vous pouvez vous connecter avec l'un de ces codes au lieu d'un code de votre application. Chaque code ne fonctionne qu'une fois.",
  "codes_shown.warning":
    "Enregistrez-les maintenant, en lieu sûr : ils ne sont affichés qu'une seule fois. Quiconque a votre mot de passe et l'un de ces codes peut se connecter à votre place.",
  "codes_shown.list_label": "Codes de récupération",
  "codes_shown.download": "Télécharger en fichier texte",
  "codes_shown.continue": "Je les ai enregistrés : me reconnecter",
  "codes_shown.not_made":
    "Les codes de récupération n'ont pas pu être créés pour le moment. Après la connexion, créez-les sur la page de votre compte.",
  "codes_shown.file_heading": "Codes de récupération {app}",
  "codes_shown.file_note":
    "Chaque code ne fonctionne qu'une fois. Conservez ce fichier en lieu sûr.",
  "codes_shown.bad_download": "Cette requête ne contient aucun code de récupération à télécharger.",
  "hint.clock_ahead": {
    one: "L'horloge de votre téléphone semble avancer d'environ {count} minute. Activez la date et l'heure automatiques dans les réglages de votre téléphone, puis saisissez le nouveau code.",
    many: "L'horloge de votre téléphone semble avancer d'environ {count} de minutes. Activez la date et l'heure automatiques dans les réglages de votre téléphone, puis saisissez le nouveau code.",
    other:
      "L'horloge de votre téléphone semble avancer d'environ {count} minutes. Activez la date et l'heure automatiques dans les réglages de votre téléphone, puis saisissez le nouveau code.",
  },
  "hint.clock_behind": {
    one: "L'horloge de votre téléphone semble retarder d'environ {count} minute. Activez la date et l'heure automatiques dans les réglages de votre téléphone, puis saisissez le nouveau code.",
    many: "L'horloge de votre téléphone semble retarder d'environ {count} de minutes. Activez la date et l'heure automatiques dans les réglages de votre téléphone, puis saisissez le nouveau code.",
    other:
      "L'horloge de votre téléphone semble retarder d'environ {count} minutes. Activez la date et l'heure automatiques dans les réglages de votre téléphone, puis saisissez le nouveau code.",
  },
  "hint.used":
    "Ce code vient d'être utilisé. Attendez que votre application affiche le code suivant, puis saisissez-le.",
  "hint.recovery_used":
    "Ce code de récupération a déjà été utilisé. Chaque code ne fonctionne qu'une fois : utilisez-en un autre.",
  "email.recovery_issued.subject": "{app} : nouveaux codes de récupération",
  "email.recovery_issued.what":
    "De nouveaux codes de récupération ont été créés pour {username} sur {app} le {time}. Les codes précédents ne fonctionnent plus.",
  "email.recovery_issued.if_not":
    "Si ce n'était pas vous, contactez immédiatement votre superviseur.",
  "email.recovery_used.subject": "{app} : un code de récupération a été utilisé",
  "email.recovery_used.what":
    "Un code de récupération a été utilisé pour se connecter en tant que {username} sur {app} le {time}.",
  "email.recovery_used.left": {
    one: "Il reste {count} code de récupération.",
    many: "Il reste {count} de codes de récupération.",
    other: "Il reste {count} codes de récupération.",
  },
  "email.recovery_used.if_not":
    "Si ce n'était pas vous, contactez immédiatement votre superviseur : quelqu'un possède votre mot de passe et un code de récupération.",
  "audit.event.recovery_codes_issued": "Codes de récupération créés",
  "audit.event.recovery_code_used": "Code de récupération utilisé",
  "audit.event.device_remembered": "Appareil mémorisé",
  "audit.event.device_forgotten": "Appareil mémorisé oublié",
  "audit.detail.left": {
    one: "{count} code restant",
    many: "{count} de codes restants",
    other: "{count} codes restants",
  },
  "audit.detail.count": { one: "{count} code", many: "{count} de codes", other: "{count} codes" },
  "audit.detail.days": {
    one: "Pendant {count} jour",
    many: "Pendant {count} de jours",
    other: "Pendant {count} jours",
  },
  "audit.detail.clock_ahead": {
    one: "Horloge du téléphone en avance d'environ {count} minute",
    many: "Horloge du téléphone en avance d'environ {count} de minutes",
    other: "Horloge du téléphone en avance d'environ {count} minutes",
  },
  "audit.detail.clock_behind": {
    one: "Horloge du téléphone en retard d'environ {count} minute",
    many: "Horloge du téléphone en retard d'environ {count} de minutes",
    other: "Horloge du téléphone en retard d'environ {count} minutes",
  },
  "audit.detail.remembered_device": "Second facteur ignoré : appareil mémorisé",
  "audit.detail.recovery_code": "Avec un code de récupération",
  "audit.detail.remember_days": "Mémoriser les appareils : {from} → {to} jours",
  "audit.detail.via_setup": "Lors de la configuration",
  "settings.remember": "Se souvenir de cet appareil",
  "settings.remember_days": "Jours pendant lesquels un appareil est mémorisé (0 pour désactiver)",
  "settings.remember_hint":
    "Les utilisateurs peuvent cocher « Se souvenir de cet appareil » sur l'écran de vérification : pendant ce nombre de jours, ce navigateur saute le second facteur, jamais le mot de passe. Cela ne compte jamais pour une nouvelle vérification, pour le forward-auth ni pour une application qui exige un second facteur.",
  "settings.remember_save": "Enregistrer les jours",
  "settings.remember_bad": "Saisissez un nombre entier de jours entre 0 et 365.",
  "settings.remember_saved": "Le nombre de jours de mémorisation des appareils a été enregistré.",
  "user.devices": "Appareils mémorisés",
  "user.devices_none": "Aucun appareil mémorisé.",
  "user.device_browser": "Navigateur",
  "user.device_address": "Adresse",
  "user.device_created": "Mémorisé",
  "user.device_last_used": "Dernière utilisation",
  "user.device_expires": "Oublié le",
  "user.device_forget": "Oublier",
  "user.device_forget_label": "Oublier l'appareil mémorisé le {time}",
  "user.device_forgotten": "L'appareil a été oublié : il demandera à nouveau le second facteur.",
  "user.recovery_left": "Codes de récupération restants",
  "user.clock_offset": "Horloge du téléphone au dernier code erroné",
  "user.clock_offset_at": "{offset} ({time})",
  // the account page, temporary passwords, user CLI (branch account, issue 11)
  "nav.account": "Votre compte",
  "account_page.title": "Votre compte",
  "account_page.methods": "Comment vous vous connectez",
  "account_page.password": "Mot de passe",
  "account_page.app": "Application d'authentification",
  "account_page.app_since": "Configurée le {time}",
  "account_page.app_none": "Non configurée",
  "account_page.replace_app": "Remplacer l'application d'authentification",
  "account_page.replace_explain":
    "Pour un nouveau téléphone ou une autre application. Votre application actuelle fonctionne jusqu'à ce que vous confirmiez un code de la nouvelle.",
  "account_page.change_password": "Changer le mot de passe",
  "account_page.password_explain": "Changer votre mot de passe vous déconnecte partout ailleurs.",
  "account_page.sessions": "Où vous êtes connecté",
  "account_page.column.where": "Où",
  "account_page.column.last_used": "Dernière utilisation ({zone})",
  "account_page.this_session": "ce navigateur",
  "account_page.client": "{browser}, {address}",
  "account_page.browser_on": "{browser} sous {os}",
  "account_page.unknown_browser": "Navigateur inconnu",
  "account_page.unknown_address": "adresse inconnue",
  "account_page.end_others": "Déconnecter les autres sessions",
  "account_page.end_others_explain":
    "Met fin à toutes vos autres sessions. Celle-ci reste connectée.",
  "account_page.events": "Événements de sécurité récents",
  "account_page.back": "Retour à votre compte",
  "account_page.notice.password_changed":
    "Votre mot de passe a été changé. Vos autres sessions ont été déconnectées.",
  "account_page.notice.app_replaced":
    "Votre nouvelle application d'authentification est configurée. Les codes de l'ancienne ne fonctionnent plus.",
  "account_page.notice.others_ended": "Vos autres sessions ont été déconnectées.",
  "account_page.notice.expired": "Cela a pris trop de temps. Veuillez recommencer.",
  "password_page.current": "Mot de passe actuel",
  "password_page.intro":
    "Saisissez votre mot de passe actuel, puis deux fois le nouveau. Vos autres sessions seront déconnectées.",
  "replace_page.intro":
    "Ajoutez cette clé à la nouvelle application d'authentification ({app}, {username}), puis saisissez le code qu'elle affiche. Votre application actuelle fonctionne jusque-là.",
  "reason.current_password_wrong": "Votre mot de passe actuel n'est pas correct.",
  "reason.temporary_password_expired":
    "Ce mot de passe temporaire a expiré. Demandez à un superviseur ou à un administrateur d'en définir un nouveau.",
  "audit.event.authenticator_replaced": "Application d'authentification remplacée",
  "audit.event.other_sessions_ended": "Autres sessions déconnectées",
  "audit.event.temporary_password_set": "Mot de passe temporaire défini",
  "audit.event.current_password_wrong": "Mot de passe actuel erroné",
  "audit.detail.via_account": "Sur la page du compte",
  "audit.detail.sessions_ended": {
    one: "{count} autre session terminée",
    many: "{count} autres sessions terminées",
    other: "{count} autres sessions terminées",
  },
  "audit.detail.generated": "Généré",
  "audit.detail.typed": "Saisi par le personnel",
  "audit.detail.must_change": "À changer à la prochaine connexion",
  "audit.detail.may_keep": "Peut être conservé",
  "audit.detail.why.temporary_password_expired": "mot de passe temporaire expiré",
  "email.password_changed.subject": "{app}\u00a0: votre mot de passe a été changé",
  "email.password_changed.what":
    "Le mot de passe de {username} sur {app} a été changé le {time}. Vos autres sessions ont été déconnectées.",
  "email.app_replaced.subject": "{app}\u00a0: application d'authentification remplacée",
  "email.app_replaced.what":
    "L'application d'authentification de {username} sur {app} a été remplacée le {time}. Les codes de l'ancienne ne fonctionnent plus.",
  "email.sessions_ended.subject": "{app}\u00a0: autres sessions déconnectées",
  "email.sessions_ended.what":
    "Vos autres sessions de {username} sur {app} ont été déconnectées le {time}.",
  "email.temporary_password.subject": "{app}\u00a0: un nouveau mot de passe a été défini pour vous",
  "email.temporary_password.what":
    "Un nouveau mot de passe a été défini pour {username} sur {app} le {time}. Vos sessions ont été déconnectées.",
  "email.temporary_password.change":
    "C'est un mot de passe temporaire\u00a0: vous choisirez le vôtre à la prochaine connexion. Il expire après {count} heures.",
  "email.account.if_you": "Si c'était vous, il n'y a rien à faire.",
  "email.account.if_not":
    "Si ce n'était pas vous, contactez immédiatement votre superviseur ou votre administrateur.",
  "temp_password.heading": "Mot de passe oublié\u00a0?",
  "temp_password.explain":
    "Définissez un mot de passe temporaire pour {username}\u00a0: ses sessions prennent fin, il devra le changer à la prochaine connexion, et il expire après {count} heures. La personne est prévenue par e-mail.",
  "temp_password.generate": "Générer un mot de passe temporaire",
  "temp_password.or_type": "Ou en saisir un",
  "temp_password.label": "Mot de passe temporaire",
  "temp_password.set": "Définir ce mot de passe",
  "temp_password.shown_title": "Mot de passe temporaire pour {username}",
  "temp_password.shown_intro":
    "Transmettez ce mot de passe à {username} par téléphone ou en personne, jamais par e-mail. Il n'est affiché qu'une seule fois et expire le {time}.",
  "audit.detail.valid_hours": {
    one: "Valable {count} heure",
    many: "Valable {count} heures",
    other: "Valable {count} heures",
  },
  "admin_notice.temporary_set":
    "Le mot de passe temporaire a été défini. Ses sessions ont pris fin.",
  // Issue 11 (branch recovery): the account page's recovery sections
  "account_page.recovery": "Codes de récupération",
  "account_page.recovery_none":
    "Vous n'avez plus de codes de récupération. Créez-en de nouveaux : sans eux, un téléphone perdu vous oblige à demander à un superviseur.",
  "account_page.recovery_few": "Créez-en bientôt de nouveaux.",
  "account_page.recovery_new": "Nouveaux codes de récupération",
  "account_page.recovery_new_intro":
    "Dix nouveaux codes remplacent ceux que vous avez : les anciens cessent aussitôt de fonctionner.",
  "account_page.recovery_make": "Créer de nouveaux codes",
  "codes_shown.back_to_account": "Je les ai enregistrés : retour à mon compte",
};
