/**
 * "b•••@example.test": the user can tell which address a code went to; an onlooker or
 * someone probing usernames learns only the first letter and the domain.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  const first = Array.from(email.slice(0, at))[0];
  return `${first}•••${email.slice(at)}`;
}
