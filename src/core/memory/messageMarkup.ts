/** A link (`https://host/path`, `www.host/path`): up to white space, a quote, an angle bracket or a closing parenthesis. */
const LINK = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s"'<>)\]]+/giu;
/** HTML a message's body is formatted with (release notes pasted by bots): the tag goes, its text stays. */
const FORMATTING_TAG = /<\/?(?:a|p|em|strong|b|i|code|pre|details|summary|blockquote|ul|ol|li|h[1-6]|br|hr|sup|sub|img|table|thead|tbody|tr|td|th|span|div)\b[^>]*>/giu;

/**
 * A commit message as evidence of what the change is about: links and formatting tags are left out.
 * A link's host and path say where something is, not what changed (Dependabot's bodies link every
 * release note through `redirect.github.com`, and matched a query for "redirect"); a tag's name
 * (`summary`, `code`, `details`) is formatting. Names in angle brackets (`<Button>`) stay.
 */
export function withoutLinksAndTags(text: string): string {
  return text.replace(LINK, ' ').replace(FORMATTING_TAG, ' ');
}

/** Whether withoutLinksAndTags would change the text. */
export function hasLinksOrTags(text: string): boolean {
  LINK.lastIndex = 0;
  FORMATTING_TAG.lastIndex = 0;
  return LINK.test(text) || FORMATTING_TAG.test(text);
}
