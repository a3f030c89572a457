/** "/Start@gramdesk_bot payload" → "start" (only a command at the very start counts). */
export function commandName(text: string): string | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)/.exec(text);
  return match?.[1]?.toLowerCase();
}
