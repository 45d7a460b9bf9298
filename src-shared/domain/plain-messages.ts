/**
 * The remotes' validation messages in plain words, for the field they are about. The servers'
 * words stay available as a detail (`server`): they are what a support person searches for. The
 * messages are the ones the services send verbatim (and our offline checks repeat): Django REST
 * Framework's (BrainSTEM), the Instrument Catalog's `validation.py`, FastAPI/pydantic's
 * (Atomscale) and Python `jsonschema`'s; see docs/remotes/*.md. A message not listed here is
 * already in words and is shown as it is.
 */

export interface MessageContext {
  /** The field's label as the form shows it; absent for a message about the whole record. */
  label?: string;
  /** The field is picked from a list (a select), not typed. */
  choice?: boolean;
}

export interface PlainMessage {
  /** What to tell the user. */
  text: string;
  /** The server's own words, when they differ from `text`. */
  server: string | null;
}

type Rule = [RegExp, (m: RegExpExecArray, c: Required<Pick<MessageContext, 'choice'>> & { label: string; named: boolean }) => string];

const lower = (label: string) => (label === label.toUpperCase() ? label : label[0]!.toLowerCase() + label.slice(1));
const missing = (c: { label: string; choice: boolean; named: boolean }) =>
  c.choice && c.named ? `Choose a ${lower(c.label)}.` : c.named ? `${c.label} is required.` : 'This is required.';

const RULES: Rule[] = [
  // Django REST Framework (rest_framework/fields.py, relations.py)
  [/^This field is required\.$/, (_m, c) => missing(c)],
  [/^This field may not be (null|blank)\.$/, (_m, c) => (c.choice ? missing(c) : `${c.label} cannot be left empty.`)],
  [/^"" is not a valid choice\.$/, (_m, c) => missing(c)],
  [/^"(.+)" is not a valid choice\.$/, (m, c) => `“${m[1]}” is not one of the choices for ${lower(c.label)}; pick one from the list.`],
  [/^Not a valid string\.$/, (_m, c) => `${c.label} must be text.`],
  [/^Ensure this field has no more than (\d+) characters\.$/, (m, c) => `${c.label} can be at most ${m[1]} characters long.`],
  [/^Invalid pk "(.*)" - object does not exist\.$/, (m, c) => `The chosen ${lower(c.label)} (${m[1]}) is not on the server, or not visible to this account; pick another.`],
  [/^Incorrect type\. Expected pk value, received \w+\.$/, (_m, c) => `Pick ${lower(c.label)} from the list.`],
  [/^Datetime has wrong format\./, (_m, c) => `${c.label}: enter a date and a time, e.g. 2025-01-15 09:30.`],
  [/^Expected a dictionary of items but got type "\w+"\.$/, (_m, c) => `${c.label} must be a set of named values (a JSON object, {…}).`],
  [/^Expected a list of items but got type "\w+"\.$/, (_m, c) => `${c.label} must be a list (a JSON array, […]).`],
  [/^Invalid data\. Expected a dictionary, but got \w+\.$/, () => 'The server expected the record as a set of named values and got something else.'],
  [/^Enter a valid URL\.$/, (_m, c) => `${c.label} must be a web address, e.g. https://example.org/page.`],
  [/^(\w+) with this (\w+) already exists\.$/, (m, c) => `Another ${m[1]} already has this ${m[2]}; choose a different ${c.named ? lower(c.label) : m[2]}.`],
  [/^You do not have permission to perform this action\.$/, () => 'The server does not let this account make this change.'],
  [/^Not found\.$/, () => 'The server no longer has this record (or this account cannot see it).'],
  // Instrument Catalog (validation.py)
  [/^Required data is missing: .+$/, (_m, c) => missing(c)],
  [/^Provided (\w+) is over the limit of (\d+) characters\.$/, (m, c) => `${c.named ? c.label : m[1]} can be at most ${m[2]} characters long.`],
  [/^An invalid category ID was provided\.$/, () => 'Choose a category from the list (the one given is not on the server).'],
  [/^Image URL: URL must start with "http" or "https"$/, (_m, c) => `${c.named ? c.label : 'The image URL'} must start with http:// or https://.`],
  [/^`alternate_names` must be an array of strings\.$/, () => 'Alternate names must be a list of names, one per line.'],
  [/^You can not specify more than (\d+) alternate names\.$/, (m) => `At most ${m[1]} alternate names.`],
  [/^Alternate name "(.*)" is over the limit of (\d+) characters\.$/, (m) => `The alternate name “${m[1]}” is too long: at most ${m[2]} characters.`],
  // FastAPI / pydantic (Atomscale)
  [/^Field required$/, (_m, c) => missing(c)],
  [/^Input should be a valid string$/, (_m, c) => `${c.label} must be text.`],
  [/^String should have at least 1 character$/, (_m, c) => `${c.label} cannot be left empty.`],
  [/^String should have at most (\d+) characters?$/, (m, c) => `${c.label} can be at most ${m[1]} characters long.`],
  [/^Input should be a valid integer/, (_m, c) => `${c.label} must be a whole number.`],
  [/^Input should be (('[^']*'(, | or )?)+)$/, (m, c) => `${c.label} must be one of ${m[1]!.replace(/'/g, '')}.`],
  // Python jsonschema (BrainSTEM's details and coordinates)
  [/^(\w+): (-?[\d.]+) is greater than the maximum of (-?[\d.]+)$/, (m) => `${m[1]} can be at most ${m[3]} (it is ${m[2]}).`],
  [/^(\w+): (-?[\d.]+) is less than the minimum of (-?[\d.]+)$/, (m) => `${m[1]} must be at least ${m[3]} (it is ${m[2]}).`],
  [/^(?:(\w+): )?(.+) is not of type 'number'$/, (m, c) => `${m[1] ?? c.label} must be a number.`],
  [/^.+ is not of type 'object'$/, (_m, c) => `${c.label} must be a set of named values (a JSON object, {…}).`],
  [/^(?:(\w+): )?'(\w+)' is a required property$/, (m, c) => `${m[1] ? `${m[1]}: ` : c.named ? `${c.label}: ` : ''}“${m[2]}” is required.`],
  [/^(?:(\w+): )?Additional properties are not allowed \((.+) (?:was|were) unexpected\)$/, (m, c) => `${m[1] ?? c.label} cannot have ${m[2]!.replace(/'([^']*)'/g, '“$1”')}.`],
];

/** The message in plain words for its field; `server` keeps the original when the words differ. */
export function plainMessage(message: string, context: MessageContext = {}): PlainMessage {
  const c = { label: context.label ?? 'This field', choice: context.choice ?? false, named: context.label !== undefined };
  const text = message.trim();
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(text);
    if (m) {
      const plain = say(m, c);
      return { text: plain, server: plain === text ? null : text };
    }
  }
  return { text, server: null };
}

/**
 * The fields a message names when it is about several at once (the catalog's "Required data is
 * missing: name, description"): it belongs on each of them. Empty for a message about one field.
 */
export function fieldsNamedBy(message: string): string[] {
  const m = /^Required data is missing: (.+)$/.exec(message.trim());
  return m ? m[1]!.split(',').map((f) => f.trim()).filter(Boolean) : [];
}
