declare module '../../../platform/bot/context.js' {
  interface SessionData {
    /** The admin's last user search (Admin → Users) and the page of its results being browsed. */
    adminSearch?: { query: string; page: number };
  }
}

export {};
