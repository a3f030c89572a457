import type { BotContext } from '../../../platform/bot/context.js';
import { answerCallback } from '../../../platform/bot/ui/answer.js';
import { ScreenMenu } from '../../../platform/bot/ui/menu.js';
import { refreshWhenOutdated, type Screen, showScreen } from '../../../platform/bot/ui/screen.js';
import { buildUnlinkMenu } from '../../accounts/index.js';
import { type AdminScreens, buildAdminMenus, denyUnlessAdmin, syncAdminCommands } from '../../admin/index.js';
import { buildChatMenus, type ChatScreens } from '../../chat/index.js';
import { buildMailingMenus, type MailingScreens } from '../../mailings/index.js';
import { buildTaskMenus, enterTasks, type TaskScreens } from '../../tasks/index.js';
import {
  buildBlockedMenu,
  buildTimezoneMenus,
  changeLanguage,
  linkedUsername,
  removePhone,
  requestPhone,
  settingsText,
  toggleMailings,
  toggleNotifications,
} from '../../users/index.js';

export interface Screens extends TaskScreens, ChatScreens, AdminScreens, MailingScreens {
  main: Screen;
  help: Screen;
  settings: Screen;
  language: Screen;
  timezone: Screen;
  /** First start: the time zone question (users/bot/timezone.ts). */
  timezoneStart: Screen;
  unlink: Screen;
}

export interface Menus {
  /** The root menu: installing it installs every registered submenu's click handling. */
  root: ScreenMenu;
  screens: Screens;
}

/**
 * Buttons answer their callback query themselves (answerCallback), so that one answer can
 * carry a toast; the plugin's automatic answer would be a second one, which Telegram rejects.
 * A click on a button whose labels have changed since it was sent (e.g. the notifications
 * toggle pressed twice in an old message, or any button of a message sent before the language
 * changed) turns that message into the menu's current screen, text and buttons, instead of
 * acting on it.
 */
const menuOptions = (screen: () => Screen) => ({ onMenuOutdated: refreshWhenOutdated(screen) });

/** Builds every menu once at start-up (ARCHITECTURE rule 5); variable parts are ranges and label functions. */
export function buildMenus(): Menus {
  const main: ScreenMenu = new ScreenMenu('main', {
    // A non-admin pressing an admin's 🛠 Admin button (which their menu lacks) is told "not allowed".
    onMenuOutdated: async (ctx: BotContext) => {
      if (ctx.match === 'adm' && (await denyUnlessAdmin(ctx))) return;
      await refreshWhenOutdated(() => screens.main)(ctx);
    },
  });
  const help: ScreenMenu = new ScreenMenu(
    'help',
    menuOptions(() => screens.help),
  );
  const settings: ScreenMenu = new ScreenMenu(
    'settings',
    menuOptions(() => screens.settings),
  );
  const language: ScreenMenu = new ScreenMenu(
    'language',
    menuOptions(() => screens.language),
  );

  const mainScreen: Screen = { text: (ctx) => ctx.t('main-menu'), menu: main };
  const tasks = buildTaskMenus(mainScreen);
  const chat = buildChatMenus(mainScreen);
  const mailings = buildMailingMenus(() => screens.adminHome);
  const zones = buildTimezoneMenus({ settings: () => screens.settings });
  const unlink = buildUnlinkMenu(() => screens.settings);
  const blocked = buildBlockedMenu(() => screens.settings);
  const admin = buildAdminMenus({ main: mainScreen, mailings: (ctx) => showScreen(ctx, screens.mailings) });
  const screens: Screens = {
    ...tasks.screens,
    ...chat.screens,
    ...admin.screens,
    ...mailings.screens,
    main: mainScreen,
    // Admins also read their commands (registered in their chats only, as the command menu does).
    help: {
      text: (ctx) => (ctx.profile.role === 'admin' ? `${ctx.t('help')}\n\n${ctx.t('help-admin')}` : ctx.t('help')),
      menu: help,
    },
    settings: { text: settingsText, menu: settings },
    language: { text: (ctx) => ctx.t('settings-choose-language'), menu: language },
    ...zones.screens,
    unlink: unlink.screen,
  };
  const show = (screen: Screen) => (ctx: BotContext) => showScreen(ctx, screen);

  // Entries for features that do not exist yet are deliberately absent (no "coming soon").
  main
    .text(
      (ctx) => ctx.t('menu-tasks'),
      (ctx) => enterTasks(ctx, screens),
    )
    .text((ctx) => ctx.t('menu-chat'), show(screens.chat))
    .row()
    .text((ctx) => ctx.t('menu-settings'), show(screens.settings))
    .row()
    .text((ctx) => ctx.t('menu-help'), show(screens.help))
    .dynamic((ctx, range) => {
      // Only admins see the entry; its handler checks again (the role may change after rendering).
      if (ctx.profile?.role !== 'admin') return;
      range.row().text({ text: ctx.t('menu-admin'), payload: 'adm' }, async (c) => {
        if (await denyUnlessAdmin(c)) return;
        await showScreen(c, screens.adminHome);
      });
    });

  help.text((ctx) => ctx.t('back'), show(screens.main));

  settings
    .text((ctx) => ctx.t('settings-language'), show(screens.language))
    .text((ctx) => ctx.t('settings-timezone'), show(screens.timezone))
    .row()
    .text(
      (ctx) => ctx.t('settings-notifications', { state: ctx.t(ctx.profile.notifications ? 'on' : 'off') }),
      async (ctx) => {
        await toggleNotifications(ctx);
        await showScreen(ctx, screens.settings);
      },
    )
    .row()
    .text(
      (ctx) => ctx.t('mailings-setting', { state: ctx.t(ctx.profile.mailings ? 'on' : 'off') }),
      async (ctx) => {
        await toggleMailings(ctx);
        await showScreen(ctx, screens.settings);
      },
    )
    .row()
    .text((ctx) => ctx.t(ctx.profile.phone ? 'settings-phone-change' : 'settings-phone'), requestPhone)
    .dynamic((ctx, range) => {
      // A shared phone can be removed (SPEC §2.1).
      if (!ctx.profile.phone) return;
      range.text({ text: ctx.t('settings-phone-remove'), payload: 'rmph' }, async (c) => {
        if (c.profile.phone) await removePhone(c);
        await showScreen(c, screens.settings);
      });
    })
    .row()
    .text(
      (ctx) => ctx.t('settings-name'),
      async (ctx) => {
        await answerCallback(ctx);
        await ctx.conversation.enter('displayName');
      },
    )
    .text((ctx) => ctx.t('settings-blocked'), blocked.open)
    .row()
    .dynamic((ctx, range) => {
      // Only for a Telegram user with a linked HTTP account.
      const username = linkedUsername(ctx);
      if (username) range.text(ctx.t('settings-unlink', { username }), show(screens.unlink)).row();
    })
    .text((ctx) => ctx.t('back'), show(screens.main));

  // An admin's commands follow their language (SPEC §2.4): their chat's command list is re-set.
  const chooseLanguage = (language: 'ru' | 'en') => async (ctx: BotContext) => {
    await changeLanguage(ctx, language);
    if (ctx.profile.role === 'admin') {
      await syncAdminCommands(ctx.api, ctx.deps.translator, ctx.profile).catch((err: unknown) =>
        ctx.log.warn({ err }, 'could not update the admin commands'),
      );
    }
    await showScreen(ctx, screens.settings);
  };
  language
    .text('🇷🇺 Русский', chooseLanguage('ru'))
    .text('🇬🇧 English', chooseLanguage('en'))
    .row()
    .text((ctx) => ctx.t('back'), show(screens.settings));

  main.register([help, settings, ...tasks.menus, ...chat.menus, ...admin.menus, ...mailings.menus]);
  settings.register([language, ...zones.menus, unlink.menu, blocked.menu]);
  return { root: main, screens };
}
