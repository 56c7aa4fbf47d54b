/**
 * The one email address rule of the platform: a device's owner (device registry), an alert email's
 * recipient (ALERT_EMAIL_TO, the alert manager) and what the notification service sends to, so that an
 * address one of them takes the others take too.
 *
 * It is the plain `local@domain` form only: the local part a dot-atom (RFC 5322 atext, plus any
 * other character that shows, as RFC 6531 allows UTF-8), the domain a host name with at least one
 * dot. Mail software (nodemailer among it) reads such an address as exactly one mailbox and writes it
 * as it is; quoted local parts, comments, groups, lists and domain literals are refused, because they
 * would be read as another address or as several ("ops,admin@example.com" is two).
 */

/** RFC 5321's limit on a path, and the longest address the platform stores. */
export const MAX_EMAIL_ADDRESS = 254;
const MAX_LOCAL_PART = 64;

// \x60 is the backtick. Non-ASCII: anything but spaces, controls and format characters (\p{C}).
const ATEXT = String.raw`(?:[A-Za-z0-9!#$%&'*+\-/=?^_\x60{|}~]|[^\p{ASCII}\s\p{C}])`;
// A letter or digit of any script (IDN U-labels); "-" only inside a label.
const DOMAIN_CHAR = String.raw`[\p{L}\p{N}\p{M}]`;
const LABEL = `${DOMAIN_CHAR}(?:(?:${DOMAIN_CHAR}|-){0,61}${DOMAIN_CHAR})?`;
const TOP_LABEL = `${DOMAIN_CHAR}(?:${DOMAIN_CHAR}|-){0,61}${DOMAIN_CHAR}`;
const EMAIL = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*@(?:${LABEL}\\.)+${TOP_LABEL}$`, 'u');

/** Whether `value` is an email address by the platform's rule (above). */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_ADDRESS) return false;
  const at = value.indexOf('@');
  return at >= 1 && at <= MAX_LOCAL_PART && EMAIL.test(value);
}
