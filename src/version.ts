export const KUBESIM_VERSION = '0.1.0';
/** The kubectl release whose behaviour kubesim reproduces. */
export const KUBECTL_COMPAT_VERSION = 'v1.32.4';
