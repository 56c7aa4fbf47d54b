// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
