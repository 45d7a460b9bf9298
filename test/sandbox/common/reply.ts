/** A conformance test's view of an emulator's answer: status, headers, the raw text and its JSON (if any). */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function readReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
