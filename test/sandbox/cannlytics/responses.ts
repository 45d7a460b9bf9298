/**
 * Reply bodies. Application errors use the 2022+ envelope `{success:false, data:null, message}`
 * with the 2021 texts (the era of the published docs); framework errors keep DRF's `{"detail"}`
 * and Django's HTML pages, because that is what the real stack sends for them.
 */
export const MESSAGES = {
  unauthenticated: 'Your request was not authenticated. Ensure that you have a valid session or API key.',
  organizationRequired: 'An organization_id parameter is required.',
  notMember: 'Your must be an owner, quality assurance, or a team member of this organization for this operation.',
  notRecognized:
    'The data submitted was not recognized. You can try to post either a singular object or an array / list of objects.',
  deleteForbidden: 'Your must be an owner or quality assurance to delete instruments.',
} as const;

export interface Failure {
  success: false;
  data: null;
  message: string;
}

export const failure = (message: string): Failure => ({ success: false, data: null, message });

export const success = (data: unknown) => ({ success: true as const, data });

/** DRF sends these on every APIView response. */
export const DRF_HEADERS = { allow: 'GET, POST, DELETE, OPTIONS', vary: 'Accept' } as const;

/** DRF's `Throttled` text, singular for one second as DRF words it. */
export function throttledDetail(seconds: number): string {
  return `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

/** Django's production (DEBUG=False) error pages. */
export const DJANGO_HTML = {
  404: '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
  400: '<!doctype html>\n<html lang="en">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n',
  500: '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n',
} as const;

/** What the hosting front end (not Django) sends for statuses Django never produces itself. */
export function frontEndHtml(status: number, reason: string): string {
  return `<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1></body></html>\n`;
}
