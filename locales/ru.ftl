## common
apology = 😔 Извините, у нас что-то пошло не так. Попробуйте ещё раз; /menu всегда начинает сначала.
unknown-command = Я не знаю команду { $command }. /help покажет, что я умею.
unknown-text = Не понял, что вы имеете в виду. Откройте /menu или загляните в /help.
stale-button = Эта кнопка больше не работает. Вот актуальное меню.
menu-outdated = Меню изменилось; вот актуальное.
blocked = ⛔ Администратор заблокировал вам доступ к Gramdesk.
cancelled = Отменено.
cancel = ✖️ Отмена
nothing-to-cancel = Отменять нечего. /menu откроет главное меню.
back = ◀️ Назад
on = вкл.
off = выкл.
not-set = не указан

## commands
cmd-start = Запустить Gramdesk и открыть главное меню
cmd-menu = Главное меню
cmd-settings = Настройки
cmd-help = Что я умею
cmd-cancel = Отменить текущее действие

## start
welcome-new =
    👋 Добро пожаловать в <b>Gramdesk</b>, { $name }!
    Ваше рабочее пространство в Telegram. Нажмите кнопку ниже, чтобы начать.
welcome-back = 👋 С возвращением, { $name }!

## menu
main-menu =
    🏠 <b>Gramdesk</b>
    Что будем делать?
menu-settings = ⚙️ Настройки
menu-help = ❓ Помощь

## help
help =
    <b>Gramdesk</b>: ваше рабочее пространство в Telegram.

    /menu: главное меню
    /settings: язык, часовой пояс, уведомления, телефон и имя
    /cancel: выйти из текущего диалога
    /help: это сообщение

    Остальное делается кнопками под сообщениями. Если кнопка не отвечает, отправьте /menu.

## settings
settings-title = ⚙️ <b>Настройки</b>
settings-summary =
    { settings-title }

    🌐 Язык: { $language }
    🕒 Часовой пояс: { $timezone } (сейчас { $time })
    🔔 Уведомления: { $notifications }
    📱 Телефон: { $phone }
    👤 Отображаемое имя: { $name }
    🔗 HTTP-аккаунт: { $account }
settings-phone-value = { $phone } (код оператора { $code })
settings-language = 🌐 Язык
settings-timezone = 🕒 Часовой пояс
settings-notifications = 🔔 Уведомления: { $state }
settings-phone = 📱 Поделиться телефоном
settings-name = 👤 Отображаемое имя
settings-choose-language = 🌐 Выберите язык:
settings-language-changed = ✅ Язык: русский
settings-choose-timezone =
    🕒 Выберите часовой пояс или нажмите «Другой…» и введите его.
    Сейчас: <b>{ $timezone }</b> (время { $time })
settings-timezone-other = ✏️ Другой…
settings-timezone-prompt =
    🕒 Отправьте часовой пояс в формате IANA, например <code>Europe/Moscow</code> или <code>Asia/Yekaterinburg</code>, или смещение от UTC, например <code>+3</code>.
    /cancel оставит текущий.
settings-timezone-invalid =
    ❌ «{ $input }» не похоже на часовой пояс.
    Попробуйте, например, <code>Europe/Samara</code>, <code>Asia/Novosibirsk</code> или <code>+5</code>. /cancel оставит текущий.
settings-timezone-saved = ✅ Часовой пояс: <b>{ $timezone }</b> (сейчас { $time })
settings-notifications-changed = 🔔 Уведомления { $state }
settings-phone-prompt =
    📱 Нажмите кнопку ниже, чтобы поделиться номером телефона с Gramdesk.
    Он нужен для рассылок (код оператора); другие пользователи его не видят.
settings-phone-button = 📱 Отправить мой номер
settings-phone-cancel = ✖️ Отмена
settings-phone-saved = ✅ Телефон сохранён: { $phone }
settings-phone-saved-code = ✅ Телефон сохранён: { $phone } (код оператора { $code })
settings-phone-not-own = ❌ Пожалуйста, отправьте свой контакт кнопкой ниже, а не чужой.
settings-phone-invalid = ❌ Telegram прислал номер, который я не могу разобрать. Попробуйте ещё раз.
settings-phone-cancelled = Отправка телефона отменена.
settings-name-prompt =
    👤 Отправьте имя, которое будут видеть другие пользователи Gramdesk (до { $max } символов).
    Сейчас: <b>{ $name }</b>
    /reset вернёт имя из Telegram, /cancel оставит текущее.
settings-name-too-long = ❌ Здесь { $length } символов, а можно не больше { $max }. Отправьте имя покороче.
settings-name-empty = ❌ Имя не может быть пустым. Отправьте имя или /cancel.
settings-name-invalid = ❌ В имени есть невидимые управляющие символы. Отправьте обычный текст.
settings-name-not-text = Отправьте имя текстовым сообщением или /cancel.
settings-name-saved = ✅ Отображаемое имя: <b>{ $name }</b>
settings-name-reset = ✅ Будет показано имя из Telegram: <b>{ $name }</b>
settings-back-to = ⚙️ Настройки
settings-account-none = не привязан
settings-unlink = 🔓 Отвязать @{ $username }
settings-unlink-confirm =
    🔓 Отвязать аккаунт Gramdesk <b>@{ $username }</b> от этого Telegram?

    Аккаунт сохранит свои данные и будет доступен через HTTP; сообщения для него больше не будут приходить сюда. Привязать снова можно новым токеном.
settings-unlink-yes = 🔓 Да, отвязать
settings-unlinked = Аккаунт @{ $username } отвязан

## accounts
registration-confirm-request =
    🔐 Кто-то хочет создать аккаунт Gramdesk <b>@{ $username }</b>, привязанный к вашему Telegram.

    Если это вы, подтвердите в течение 15 минут. Если нет, отклоните: ничего не будет создано.
registration-confirm = ✅ Подтвердить
registration-decline = ❌ Отклонить
registration-confirmed = ✅ Подтверждено: аккаунт <b>@{ $username }</b> активен. Войти можно с его паролем.
registration-declined = ❌ Отклонено: аккаунт <b>@{ $username }</b> не создан.
registration-expired = ⌛ Запрос на аккаунт <b>@{ $username }</b> истёк без ответа; ничего не создано.
registration-not-found = Такого запроса нет, или он не ваш.
link-attached = Токен '{ $token }' успешно привязан
link-attached-account = Ваш Telegram привязан к аккаунту Gramdesk <b>@{ $username }</b>.
link-invalid-format = Неверный формат токена
link-no-such-token = Такого токена нет
link-in-use = Токен уже используется
link-already-attached = Вы уже привязали токен '{ $token }'
link-already-linked = Ваш Telegram уже привязан к аккаунту Gramdesk <b>@{ $username }</b>.

## messages
echo =
    { $firstName }, я получил от тебя сообщение:
    { $text }

## tasks
task-reminder =
    🔔 Напоминание: <b>{ $title }</b>
    Срок: { $due }
task-reminder-open = 📂 Открыть
