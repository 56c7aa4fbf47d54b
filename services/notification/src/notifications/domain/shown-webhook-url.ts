/**
 * A webhook URL as the API shows it: its scheme, host and port only. Receivers often carry their
 * credential in the path (Slack, Teams, Discord), the query or the user-info, and WEBHOOK_URL is kept
 * in a Secret, so whatever follows the host is cut, shown as "…" ("https://hooks.example.com/…").
 * The default webhook ('') stays empty.
 */
export function shownWebhookUrl(url: string): string {
  if (url === '') return '';
  try {
    const { origin, pathname, search, hash } = new URL(url);
    const cut = pathname !== '/' || search !== '' || hash !== '';
    return `${origin}/${cut ? '…' : ''}`;
  } catch {
    return '…'; // not stored (every stored URL was a configured one); shown as nothing, to be safe
  }
}
