// A device API key reads "imk_<16 hex key id>_<43 base64url secret>": the registry issues and parses it
// (the id finds the stored hash, the 256-bit secret is what is hashed), the gateway refuses anything
// else before asking the registry. The format is public: refusing what does not match reveals nothing.
// The prefix makes leaked keys easy to recognise and scan for.
export const DEVICE_API_KEY_PATTERN = /^imk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const isDeviceApiKeyShaped = (credential: string): boolean => DEVICE_API_KEY_PATTERN.test(credential);
