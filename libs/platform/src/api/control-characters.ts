/**
 * The control characters no name or text field of the platform may hold: C0 (tab and line breaks
 * among them), DEL and C1 (U+0080-U+009F), the Unicode category Cc.
 */
export const CONTROL_CHARACTERS = /\p{Cc}/u;
