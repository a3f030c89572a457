## common
apology = 😔 Извините, у нас что-то пошло не так. Попробуйте ещё раз или начните сначала с /menu.
temporarily-unavailable = ⏳ Gramdesk временно недоступен. Попробуйте ещё раз через минуту.
unknown-command = Я не знаю команду { $command }. /help покажет, что я умею.
unknown-text = Не понял, что вы имеете в виду. Если вы отвечали на мой вопрос, этот диалог уже закрыт (возможно, меня перезапустили): начните его заново из /menu. /help покажет, что я умею.
dialog-gone = Этот диалог уже закрыт (возможно, меня перезапустили). Вот меню — начните заново отсюда.
stale-button = Эта кнопка больше не работает. Вот актуальное меню.
button-already-used = Эта кнопка уже сработала — сообщение показывает, как обстоят дела сейчас.
menu-outdated = Меню изменилось; вот актуальное.
blocked = ⛔ Администратор заблокировал вам доступ к Gramdesk.
cancelled = Отменено.
cancel = ✖️ Отмена
nothing-to-cancel = Отменять нечего. Что будем делать?
back = ◀️ Назад
on = вкл.
off = выкл.
not-set = не указан
dialog-cancel = ✖️ Отмена
dialog-skip = ⏭ Пропустить
dialog-not-text = ✍️ Здесь нужен текст.
dialog-stale-button = Эта кнопка относится к предыдущему шагу.
date-today = сегодня в { $time }
date-tomorrow = завтра в { $time }
date-yesterday = вчера в { $time }
date-on = { $day }, { $time }

## commands
cmd-start = Запустить Gramdesk и открыть главное меню
cmd-menu = Главное меню
cmd-tasks = Ваши задачи
cmd-newtask = Новая задача
cmd-find = Найти задачи по словам из названия: /find слова
cmd-pm = Личное сообщение: /pm @username текст
cmd-inbox = Последние полученные сообщения
cmd-history = Переписка с человеком: /history @username
cmd-room = Войти в общую комнату
cmd-leave = Выйти из общей комнаты
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
menu-tasks = 📋 Задачи
menu-settings = ⚙️ Настройки
menu-help = ❓ Помощь

## help
help =
    <b>Gramdesk</b>: ваше рабочее пространство в Telegram.

    /menu: главное меню
    /tasks: ваши задачи (они есть и в меню)
    /newtask: новая задача
    /find слова: найти задачи по словам из названия
    /pm @username текст: личное сообщение
    /inbox: последние полученные сообщения
    /history @username: переписка с человеком
    /room: общая комната; /leave, чтобы выйти
    /settings: язык, часовой пояс, уведомления, телефон и имя
    /cancel: выйти из текущего диалога
    /help: это сообщение

    Остальное делается кнопками под сообщениями. Если кнопка не отвечает, отправьте /menu.
help-admin =
    🛠 <b>Для администраторов</b>
    /admin: панель администратора (статистика, пользователи, рассылки)
    /newmailing: новая рассылка

## settings
settings-title = ⚙️ <b>Настройки</b>
settings-summary =
    { settings-title }

    🌐 Язык: { $language }
    🕒 Часовой пояс: { $timezone } (сейчас { $time })
    🔔 Уведомления (напоминания, личные сообщения): { $notifications }
    📨 Рассылки от администраторов: { $mailings } (напоминания и личные сообщения приходят в любом случае)
    📱 Телефон: { $phone }
    👤 Отображаемое имя: { $nameSet ->
        [yes] { $name }
       *[no] { settings-name-unset }
    }
    🔗 HTTP-аккаунт: { $linked ->
        [yes] @{ $account }
       *[no] { settings-account-none }
    }

    🆔 Ваш Telegram id: <code>{ $telegramId }</code>
    Его запрашивает <code>POST /auth/register</code>, когда вы создаёте аккаунт Gramdesk для приложений и скриптов; подтвердить нужно будет здесь.
settings-phone-value = { $phone } (код оператора { $code })
settings-language = 🌐 Язык
settings-timezone = 🕒 Часовой пояс
settings-notifications = 🔔 Напоминания и сообщения: { $state }
settings-phone = 📱 Поделиться телефоном
settings-name = 👤 Отображаемое имя
settings-choose-language = 🌐 Выберите язык:
settings-language-changed = ✅ Язык: русский
settings-choose-timezone =
    🕒 Выберите город, отправьте геопозицию или нажмите «Другой…» и введите часовой пояс.
    Сейчас: <b>{ $timezone }</b> (время { $time })
settings-timezone-other = ✏️ Другой…
settings-timezone-prompt =
    🕒 Напишите часовой пояс: название IANA, например <code>Europe/Moscow</code>, город (<code>Новосибирск</code>, <code>Tokyo</code>) или смещение от UTC (<code>UTC+3</code>).
settings-timezone-invalid =
    ❌ «{ $input }» не похоже на часовой пояс.
    Попробуйте, например, <code>Europe/Samara</code>, <code>Новосибирск</code> или <code>UTC+5</code>.
settings-timezone-saved = ✅ Часовой пояс: <b>{ $timezone }</b> (сейчас { $time })
timezone-start =
    🕒 <b>В каком вы часовом поясе?</b>
    Тогда напоминания будут приходить по вашему местному времени. Выберите город, отправьте геопозицию или напишите пояс (например, <code>Europe/Moscow</code>, <code>UTC+3</code>, <code>Новосибирск</code>).
    Пока стоит UTC (сейчас { $time }).
timezone-start-menu =
    🕒 <b>В каком вы часовом поясе?</b>
    Тогда напоминания будут приходить по вашему местному времени. Выберите город, отправьте геопозицию или нажмите «Другой…» и напишите пояс (например, <code>Europe/Moscow</code>, <code>UTC+3</code>, <code>Новосибирск</code>).
    Пока стоит UTC (сейчас { $time }).
timezone-start-set = ✅ Часовой пояс: <b>{ $timezone }</b> (сейчас { $time }). Изменить его можно в ⚙️ Настройках.
timezone-skip = ⏭ Пропустить (оставить UTC)
timezone-skipped = 🕒 Часовой пояс остаётся UTC. Указать свой можно в любой момент: ⚙️ Настройки → 🕒 Часовой пояс.
timezone-share-location = 📍 Отправить геопозицию
timezone-location-prompt = 📍 Нажмите кнопку ниже, чтобы отправить геопозицию. По ней я определю только часовой пояс, сами координаты не сохраняются.
timezone-location-button = 📍 Отправить мою геопозицию
timezone-location-cancel = ✖️ Отмена
timezone-location-cancelled = Отправка геопозиции отменена.
timezone-location-not-zone =
    ❌ «{ $input }» не похоже на часовой пояс.
    Нажмите «{ timezone-location-button }» ниже, напишите пояс (например, <code>Europe/Moscow</code>, <code>UTC+3</code>, <code>Новосибирск</code>) или нажмите { timezone-location-cancel }.
timezone-location-none = 🌊 Для этого места не нашлось часового пояса (открытое море?). Отправьте другую геопозицию или нажмите /cancel и выберите город.
settings-notifications-changed = 🔔 Уведомления (напоминания о задачах, личные сообщения) { $state }
settings-phone-prompt =
    📱 Нажмите кнопку ниже, чтобы поделиться номером телефона с Gramdesk.
    Gramdesk хранит его вместе с кодом оператора, по которому адресуются рассылки. Номер видят администраторы Gramdesk, другие пользователи — нет. Удалить его можно в любой момент в настройках.
settings-phone-button = 📱 Отправить мой номер
settings-phone-cancel = ✖️ Отмена
settings-phone-saved = ✅ Телефон сохранён: { $phone }
settings-phone-saved-code = ✅ Телефон сохранён: { $phone } (код оператора { $code })
settings-phone-not-own = ❌ Пожалуйста, отправьте свой контакт кнопкой ниже, а не чужой.
settings-phone-invalid = ❌ Telegram прислал номер, который я не могу разобрать. Попробуйте ещё раз.
settings-phone-cancelled = Отправка телефона отменена.
settings-phone-typed = 📱 Отправьте номер кнопкой «{ settings-phone-button }» ниже: так Telegram подтвердит, что он ваш. Или нажмите { settings-phone-cancel }.
settings-name-prompt =
    👤 Отправьте имя, которое будут видеть другие пользователи Gramdesk (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }).
    Сейчас: <b>{ $name }</b>
    /reset вернёт имя из Telegram, /cancel оставит текущее.
settings-name-too-long = ❌ Здесь { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[many] { $length } символов
    }, а можно не больше { $max }. Отправьте имя покороче.
settings-name-empty = ❌ Имя не может быть пустым. Отправьте имя или /cancel.
settings-name-invalid = ❌ В имени есть невидимые управляющие символы. Отправьте обычный текст.
settings-name-not-text = Отправьте имя текстовым сообщением или /cancel.
settings-name-saved = ✅ Отображаемое имя: <b>{ $name }</b>
settings-name-reset = ✅ Будет показано имя из Telegram: <b>{ $name }</b>
settings-blocked = 🚫 Заблокированные
blocked-title =
    🚫 <b>Заблокированные</b>: { $count }
    Они не могут писать вам личные сообщения, а вы им писать можете. Чтобы снять блокировку, нажмите ✅.
blocked-empty =
    🚫 <b>Заблокированные</b>

    Вы пока никого не заблокировали. Чтобы заблокировать человека, откройте переписку с ним (<code>/history @username</code> или 📥 Входящие → 📜 История) и нажмите 🚫 Заблокировать: после этого он не сможет писать вам личные сообщения.
blocked-unblock = ✅ Разблокировать { $name }
blocked-unblocked = ✅ Блокировка снята: { $name } снова может вам писать.
blocked-not-blocked = Этот человек уже не заблокирован.
settings-back-to = ⚙️ Настройки
settings-account-none = пока нет. Чтобы пользоваться Gramdesk ещё и из приложений или скриптов, создайте аккаунт через <code>POST /auth/register</code> (он запросит Telegram id, указанный ниже) или привяжите существующий по ссылке, которую его владелец получает через <code>POST /token</code>.
settings-name-unset = не задано (другие видят «{ $name }»)
settings-phone-change = 📱 Сменить телефон
settings-phone-remove = 🗑 Удалить телефон
settings-phone-removed = Телефон удалён.
settings-unlink = 🔓 Отвязать @{ $username }
settings-unlink-confirm =
    🔓 Отвязать аккаунт Gramdesk <b>@{ $username }</b> от этого Telegram?

    Аккаунт сохранит свои данные и будет доступен через HTTP; сообщения для него больше не будут приходить сюда. Привязать снова можно новым токеном.
settings-unlink-yes = 🔓 Да, отвязать
settings-unlinked = Аккаунт @{ $username } отвязан

## accounts
registration-confirm-request =
    🔐 Кто-то хочет создать аккаунт Gramdesk <b>@{ $username }</b>, привязанный к вашему Telegram.

    Если подтвердить, любой, кто знает пароль этого аккаунта, сможет войти в Gramdesk от вашего имени: видеть и менять ваши задачи, читать ваши сообщения и писать за вас{ $admin ->
        [yes] , в том числе с вашими правами администратора
       *[other] {""}
    }.

    Если это вы, подтвердите до { $deadline }. Если нет, отклоните: ничего не будет создано, и ближайший час вас больше не спросят.
registration-confirm = ✅ Подтвердить
registration-decline = ❌ Отклонить
registration-consent-changed = ⚠️ Вас с тех пор сделали администратором: при подтверждении перейдут и права администратора. Прочитайте запрос ещё раз.
registration-confirmed = ✅ Подтверждено: аккаунт <b>@{ $username }</b> активен. Войти можно с его паролем.
registration-declined = ❌ Отклонено: аккаунт <b>@{ $username }</b> не создан.
registration-expired = ⌛ Запрос на аккаунт <b>@{ $username }</b> истёк без ответа; ничего не создано.
registration-not-found = Такого запроса нет, или он не ваш.
link-confirm-request =
    🔗 Привязать этот Telegram к аккаунту Gramdesk <b>@{ $username }</b> (создан { $created })?

    Если подтвердить, аккаунт получит этот чат:
    • ваши задачи, комментарии и сообщения перейдут в него, и любой, кто знает его пароль, сможет их читать и менять;
    • личные сообщения и сообщения комнаты для вас будут приходить и в приложения этого аккаунта;
    • ваши настройки{ $admin ->
        [yes] {" "}и права администратора
       *[other] {""}
    } перейдут к аккаунту.

    Подтверждайте, только если <b>@{ $username }</b> — ваш собственный аккаунт. Токен действует до { $expires }.
link-confirm = ✅ Привязать мой Telegram
link-decline = ❌ Отклонить
link-consent-changed = ⚠️ Вас с тех пор сделали администратором: при привязке к аккаунту перейдут и права администратора. Прочитайте запрос ещё раз.
link-declined = ❌ Отклонено. Ничего не привязано, и этот токен больше не действует.
link-attached = Токен «{ $token }» успешно привязан
link-attached-account = Ваш Telegram привязан к аккаунту Gramdesk <b>@{ $username }</b>.
link-invalid-format = Неверный формат токена
link-no-such-token = Такого токена нет
link-request-gone = Этот запрос больше не действует.
link-in-use = Токен уже используется
link-already-attached = Вы уже привязали токен «{ $token }»
link-already-linked = Ваш Telegram уже привязан к аккаунту Gramdesk <b>@{ $username }</b>.
unlink-out-of-date = Это подтверждение устарело: ничего не отвязано. Вот ваши настройки сейчас.

## messages
echo =
    { $firstName }, я получил от тебя сообщение:
    { $text }

## tasks
task-reminder =
    🔔 Напоминание: <b>{ $title }</b>
    Срок: { $due }
task-reminder-open = 📂 Открыть
task-reminder-advance =
    🔔 Срок { $before ->
        [hour] через час
       *[day] через сутки
    }: <b>{ $title }</b>
    Срок: { $due }
task-reminder-done = ✅ Готово
task-reminder-snooze-15m = ⏰ 15 мин
task-reminder-snooze-1h = ⏰ 1 час
task-reminder-snooze-tomorrow = ⏰ Завтра в 9:00
task-reminder-done-note = ✅ Отмечено как выполненное.
task-reminder-done-toast = ✅ Задача выполнена
task-reminder-already-done = ✅ Эта задача уже выполнена.
task-reminder-snoozed = ⏰ Отложено. Напомню снова: { $until }.
task-reminder-snoozed-toast = ⏰ Напомню снова { $until }
tasks-title = 📋 <b>Задачи</b> · { $filter }
tasks-counts = ⏳ { $todo } · 🟡 { $inProgress } · ✅ { $done }
tasks-page = Страница { $page }/{ $pages }
tasks-empty-open = Открытых задач нет. Нажмите «➕ Новая задача», чтобы добавить.
tasks-empty-done = Выполненных задач пока нет.
tasks-empty-all = У вас пока нет задач. Нажмите «➕ Новая задача», чтобы добавить.
tasks-capped = { $max ->
        [one] Показана { $max } задача
        [few] Показаны { $max } задачи
       *[many] Показаны { $max } задач
    }: сначала все открытые, затем последние выполненные. 🔎 Поиск найдёт любую задачу.
tasks-overdue = ❗ { $count ->
    [one] { $count } просрочена
    [few] { $count } просрочены
   *[other] { $count } просрочено
}
tasks-due-today = сегодня в { $time }
tasks-due-tomorrow = завтра в { $time }
tasks-due-yesterday = вчера в { $time }
tasks-search = 🔎 Поиск
tasks-search-prompt = 🔎 Отправьте несколько слов из названия, например <code>паспорт</code>.
tasks-search-title = 🔎 <b>Поиск</b>: «{ $query }»
tasks-search-found = { $count ->
    [one] Найдена { $count } задача
    [few] Найдено { $count } задачи
   *[other] Найдено { $count } задач
}
tasks-search-none = Ничего не нашлось. Попробуйте другие слова или меньше слов.
tasks-search-capped = Показаны первые { $max ->
        [one] { $max } результат
        [few] { $max } результата
       *[many] { $max } результатов
    }; добавьте слово, чтобы сузить поиск.
tasks-search-clear = ✖️ Сбросить поиск
tasks-search-again = 🔎 Новый поиск
tasks-filter-open = Открытые
tasks-filter-done = Готовые
tasks-filter-all = Все
tasks-filter-selected = • { $label } •
tasks-new = ➕ Новая задача
tasks-not-found = ❌ Задача не найдена: её удалили, или она не ваша.
task-status-todo = ⏳ К выполнению
task-status-in-progress = 🟡 В работе
task-status-done = ✅ Готово
task-card-title = 📌 <b>{ $title }</b>
task-card-no-description = <i>Без описания</i>
task-card-status = Статус: <b>{ $status }</b>
task-card-remind-before = 🔔 Напомню ещё и { $value }
task-card-due = 📅 Срок: { $due } ({ $timezone })
task-card-overdue = ⚠️ просрочено
task-card-due-none = 📅 Срок: не указан
task-card-tags = 🏷 Теги: { $tags }
task-card-tags-none = 🏷 Теги: нет
task-card-comments = 💬 Комментарии: { $count }
task-card-created = 🕒 Создана: { $created }
task-card-updated = ✏️ Изменена: { $updated }
task-status-current = • { $status } •
task-status-same = Задача уже в статусе «{ $status }».
task-remind-before = 🔔 Заранее: { $value }
task-remind-before-off = нет
task-remind-before-hour = за час
task-remind-before-day = за сутки
task-remind-before-set = 🔔 Напоминание заранее: { $value }
task-remind-before-passed = 🔔 Напомнить { $value } уже поздно: придёт только напоминание в срок.
task-edit-title = ✏️ Название
task-edit-description = 📝 Описание
task-edit-due = 📅 Срок
task-edit-tags = 🏷 Теги
task-comments = 💬 Комментарии ({ $count })
task-full-description = 📄 Описание целиком
task-delete = 🗑 Удалить
task-back-to-list = ◀️ К списку
task-status-changed = Статус: { $status }
task-changed = 🔄 Задача изменилась — вот она сейчас.
task-delete-confirm =
    🗑 Удалить задачу <b>{ $title }</b> вместе с комментариями?
    Это нельзя отменить.
task-delete-yes = 🗑 Да, удалить
task-delete-no = ◀️ Нет, оставить
task-deleted = 🗑 Задача удалена
task-created = ✅ Задача создана
task-rate-limited = ⏳ Не сохранено: можно создавать не больше { $limit ->
        [one] { $limit } задачи
        [few] { $limit } задач
       *[many] { $limit } задач
    } в минуту. Попробуйте через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
       *[many] { $seconds } секунд
    }: выберите срок (или «Пропустить») ещё раз — остальное сохранено.
task-saved-title = ✅ Название изменено
task-saved-description = ✅ Описание изменено
task-cleared-description = ✅ Описание удалено
task-saved-due = ✅ Срок установлен
task-cleared-due = ✅ Срок убран
task-saved-tags = ✅ Теги изменены
task-cleared-tags = ✅ Теги удалены
task-new-title-prompt =
    ➕ <b>Новая задача</b>
    Отправьте название (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }), например <code>Купить молоко</code>.
task-new-description-prompt = 📝 Отправьте описание (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }) или нажмите ⏭ Пропустить.
task-new-due-prompt =
    📅 Какой срок? Нажмите кнопку или 📅 Календарь либо напишите срок (часовой пояс { $timezone }):
    <code>завтра в 9</code>, <code>в пятницу 18:00</code>, <code>через 2 часа</code>, <code>{ $dotted }</code>.
task-title-prompt =
    ✏️ Отправьте новое название (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }).
    Сейчас: <b>{ $title }</b>
task-title-required = ❌ У задачи должно быть название. Отправьте его, например <code>Купить молоко</code>.
task-title-too-long = ❌ Здесь { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[many] { $length } символов
    }, а можно не больше { $max }. Отправьте название короче, например <code>Купить молоко</code>.
task-title-empty = ❌ Название не может быть пустым. Отправьте его, например <code>Купить молоко</code>.
task-title-invalid = ❌ В названии есть невидимые управляющие символы. Отправьте обычный текст, например <code>Купить молоко</code>.
task-description-prompt = 📝 Отправьте новое описание (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }).
task-description-too-long = ❌ Здесь { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[many] { $length } символов
    }, а можно не больше { $max }. Отправьте описание короче.
task-description-invalid = ❌ В описании есть невидимые управляющие символы. Отправьте обычный текст.
task-due-prompt =
    📅 Какой срок? Нажмите кнопку или 📅 Календарь либо напишите срок (часовой пояс { $timezone }):
    <code>завтра в 9</code>, <code>в пятницу 18:00</code>, <code>через 2 часа</code>, <code>{ $dotted }</code>.
    Сейчас: { $due }
task-due-invalid = ❌ «{ $input }» не похоже на дату. Попробуйте <code>завтра в 9</code>, <code>в пятницу 18:00</code>, <code>через 2 часа</code> или <code>{ $dotted }</code>.
task-due-past = ❌ Время «{ $due }» уже прошло. Выберите более позднее, например <code>завтра в 9</code>.
task-tags-prompt =
    🏷 Отправьте теги через запятую или пробел (не больше { $max }), например <code>работа, срочно</code>.
    Сейчас: { $tags }
task-tags-none = нет
task-tags-invalid = ❌ Тег — одно слово из букв, цифр, _ или - (до 32 символов). Например: <code>работа, срочно</code>.
task-tags-too-many = ❌ Не больше { $max ->
        [one] { $max } тега
        [few] { $max } тегов
       *[many] { $max } тегов
    }. Например: <code>работа, срочно</code>.
dialog-clear-description = 🗑 Удалить описание
dialog-clear-due = 🗑 Убрать срок
dialog-clear-tags = 🗑 Удалить теги
due-pick-today = 🌆 Сегодня 18:00
due-pick-tomorrow = 🌅 Завтра 9:00
due-pick-monday = 📆 { $day }, 9:00
due-pick-hour = ⏱ Через час
due-pick-calendar = 📅 Календарь
due-pick-back = ↩️ Быстрый выбор
due-pick-day-past = Этот день уже прошёл: выберите сегодня или позже.
due-pick-back-month = ◀️ К календарю
due-pick-day = 📅 Выберите день (часовой пояс { $timezone }) или напишите дату.
due-pick-time = 🕒 { $day }: выберите время или напишите его, например <code>18:30</code> ({ $timezone }).
due-pick-invalid = ⚠️ Эта кнопка устарела. Выберите ещё раз.
due-zone-unset = 🌍 Часовой пояс не указан, поэтому время считается по { $timezone } (там сейчас { $time }). Если ваши часы показывают другое время, нажмите «🌍 Указать часовой пояс».
due-zone-set = 🌍 Указать часовой пояс
due-zone-prompt = 🌍 В каком вы часовом поясе? Выберите город или напишите пояс (например, <code>Europe/Moscow</code>, <code>UTC+3</code>, <code>Новосибирск</code>). Сроки и напоминания будут по вашему местному времени.
due-zone-back = ↩️ Назад к сроку
due-zone-saved = ✅ Часовой пояс: <b>{ $timezone }</b> (сейчас { $time }). Теперь сроки считаются по нему.
comments-title = 💬 <b>Комментарии</b> · { $title }
comments-page = Страница { $page }/{ $pages }
comments-empty = Комментариев пока нет. Нажмите «➕ Комментарий».
comments-item = <b>{ $n }.</b> { $author } · { $time }
comments-edited = <i>(изменён)</i>
comments-edit = ✏️ { $n }
comments-delete = 🗑 { $n }
comments-add = ➕ Комментарий
comments-back = ◀️ К задаче
comment-not-found = ❌ Комментарий не найден: его удалили, или он не ваш.
comment-prompt =
    💬 Отправьте комментарий к задаче <b>{ $title }</b> (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }).
    /cancel — отмена.
comment-edit-prompt = ✏️ Отправьте новый текст комментария (до { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }); /cancel оставит как есть. Сейчас:
comment-too-long = ❌ Здесь { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[many] { $length } символов
    }, а можно не больше { $max }. Отправьте комментарий короче.
comment-empty = ❌ Комментарий не может быть пустым. Отправьте текст или /cancel.
comment-invalid = ❌ В комментарии есть невидимые управляющие символы. Отправьте обычный текст.
comment-added = ✅ Комментарий добавлен
comment-rate-limited = ⏳ Не добавлено: можно оставлять не больше { $limit ->
        [one] { $limit } комментария
        [few] { $limit } комментариев
       *[many] { $limit } комментариев
    } в минуту. Отправьте его ещё раз через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
       *[many] { $seconds } секунд
    }.
comment-edited = ✅ Комментарий изменён
comment-delete-confirm = 🗑 Удалить этот комментарий?
comment-delete-yes = 🗑 Да, удалить
comment-delete-no = ◀️ Нет, оставить
comment-deleted = 🗑 Комментарий удалён

# Общие задачи (SPEC §2.2.1)
tasks-scope-mine = Мои
tasks-scope-assigned = Поручены мне
tasks-scope-all = 👥 Все
tasks-empty-assigned = Вам пока никто не поручал задач.
task-card-owner = 👑 Автор: { $name }
task-card-assignee = 👤 Исполнитель: { $name }
task-assign = 👤 Поручить
task-assigned-to = 👤 { $name }
task-assign-title = 👤 Кому поручить «{ $title }»?
task-assign-current = Сейчас исполнитель: { $name }
task-assign-none = Исполнитель пока не назначен.
task-assign-pick = Выберите собеседника или пришлите имя пользователя.
task-assign-no-contacts = Пришлите имя пользователя Gramdesk (здесь появятся те, с кем вы переписываетесь).
task-assign-type = ⌨️ Ввести имя пользователя
task-assign-remove = 🚫 Забрать задачу
task-assign-prompt = 👤 Пришлите имя пользователя того, кто выполнит «{ $title }», например @ann_lee.
task-new-assignee-prompt = 👤 Поручить задачу кому-нибудь? Выберите собеседника, пришлите имя пользователя или нажмите «Пропустить», чтобы оставить её себе.
task-assign-stale = ⚠️ Пока вы выбирали, задачу переназначили — вот она сейчас.
task-assign-refused-unknown = ❌ Пользователя @{ $name } в Gramdesk нет. Проверьте написание: у человека должен быть аккаунт Gramdesk или запущенный бот.
task-assign-refused-self = ❌ Это ваша собственная задача — выберите кого-то другого.
task-assign-refused-banned = ❌ Пользователю @{ $name } нельзя поручать задачи: его аккаунт заблокирован.
task-assign-refused-picked = ❌ Этот пользователь больше недоступен — выберите другого или введите имя пользователя.
task-assign-refused-blocked = 🚫 { $name } не принимает от вас задачи — выберите кого-то другого.
task-assigned = 👤 Поручено: { $name }
task-assigned-no-telegram = ℹ️ { $name } не запускал(а) этого бота, поэтому уведомлений и напоминаний в Telegram не получит — задачу он(а) увидит через API Gramdesk.
task-unassigned = 👤 Задача снова только ваша
task-notice-assigned = 👤 { $by } поручил(а) вам задачу: <b>{ $title }</b>
task-notice-unassigned = 👤 { $by } забрал(а) задачу <b>{ $title }</b> — она вам больше не поручена.
task-notice-status = 🔄 { $by } перевёл(а) <b>{ $title }</b> в статус «{ $status }».
task-notice-comment = 💬 { $by } прокомментировал(а) <b>{ $title }</b>:
    <blockquote>{ $text }</blockquote>
task-notice-open = 📂 Открыть
task-notice-accept = 👍 Принять
task-notice-accepted = 👍 Принято: задача в работе
task-notice-accepted-already = Задача уже не в статусе «К выполнению» — вот она.
task-notice-assigned-more = 👤 { $by } поручил(а) вам ещё { $count ->
        [one] { $count } задачу
        [few] { $count } задачи
       *[many] { $count } задач
    }.
task-notice-unassigned-more = 👤 { $by } забрал(а) у вас ещё { $count ->
        [one] { $count } задачу
        [few] { $count } задачи
       *[many] { $count } задач
    }.
task-notice-assigned-list = 📥 Поручены мне

## chat
menu-chat = 💬 Чат
chat-screen =
    💬 <b>Чат</b>

    ✉️ <b>Новое сообщение</b>: выберите, кому вы уже писали, или введите @username
    📜 <b>История</b>: ваша переписка с человеком
    📥 <b>Входящие</b>: последние полученные сообщения (до { $inbox })
    🏠 <b>Комната</b>: общий чат, куда может зайти каждый

    Чтобы ответить на полученное сообщение, нажмите под ним ↩️ Ответить или ответьте на него свайпом. Можно отправлять и фото, документы, голосовые, видео и стикеры.
    Команды: <code>/pm @username текст</code>, <code>/history @username</code>, /inbox, /room, /leave
chat-new-button = ✉️ Новое сообщение
chat-history-button = 📜 История
chat-room-button = 🏠 Комната
chat-inbox-button = 📥 Входящие
chat-back-to-menu = ◀️ В меню
chat-back-to-chat = ◀️ Назад в чат
chat-pm-usage =
    ✍️ Укажите @username, а затем текст сообщения:
    <code>/pm @username текст</code>
    Например: <code>/pm { $handle } Привет! Встречаемся в шесть?</code>
chat-pm-sent = ✅ Отправлено: { $handle }
chat-pm-stored = 📥 Сохранено для { $handle }. Уведомить сейчас не получится: сообщение будет ждать во входящих.
chat-pm-blocked = 🚫 Пользователь { $handle } заблокировал бота, сообщение не дойдёт. Ничего не отправлено.
chat-pm-not-accepted = ✋ { $handle } не принимает от вас сообщения.
chat-pm-self = ❌ Себе написать не получится.
chat-pm-rate-limited = ⏳ Слишком часто: можно не больше { $limit ->
        [one] { $limit } личного сообщения
        [few] { $limit } личных сообщений
       *[many] { $limit } личных сообщений
    } в минуту. Попробуйте через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
       *[many] { $seconds } секунд
    }.
chat-user-not-found = ❌ Пользователя { $handle } не нашлось. Проверьте @username: нужно имя пользователя в Gramdesk или Telegram, а не отображаемое имя.
chat-user-gone = ❌ Этот пользователь больше недоступен.
chat-text-too-long = ❌ В сообщении { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[many] { $length } символов
    }, а можно не больше { $max }. Сократите его и отправьте снова.
chat-text-empty = ❌ Сообщение пустое. Напишите что-нибудь.
chat-text-invalid = ❌ В сообщении есть символы, которые нельзя сохранить (NUL или повреждённый Юникод). Наберите текст заново.
chat-caption-too-long = ❌ В подписи { $length ->
        [one] { $length } символ
        [few] { $length } символа
       *[many] { $length } символов
    }, а Telegram разрешает не больше { $max }. Сократите подпись и отправьте снова. Ничего не отправлено.
chat-reply-prompt = ✍️ Ответ для { $handle }: отправьте сообщение (текст, фото, документ, голосовое, видео или стикер).
chat-message-prompt = ✍️ Сообщение для { $handle }: отправьте его (текст, фото, документ, голосовое, видео или стикер).
chat-new-prompt =
    ✉️ <b>Новое сообщение</b>
    Кому? Выберите ниже или отправьте @username (в Gramdesk или Telegram).
chat-new-prompt-first =
    ✉️ <b>Новое сообщение</b>
    Кому? Отправьте @username (в Gramdesk или Telegram).
chat-new-not-text = ✉️ Отправьте @username текстом.
chat-new-not-found = ❌ Пользователя { $handle } не нашлось. Отправьте другой @username (не имя).
chat-media-unsupported = ❌ Такое сообщение переслать нельзя. В чат можно отправлять текст, фото, документы, голосовые, видео и стикеры.
chat-media-no-target = 📎 Кому это? Ответьте этим (свайпом) на полученное сообщение или сначала откройте 💬 Чат → ✉️ Новое сообщение. Ничего не отправлено.
chat-media-photo = 🖼 фото
chat-media-document = 📄 { $name }
chat-media-voice = 🎤 голосовое сообщение
chat-media-video = 🎬 видео
chat-media-sticker = 🙂 стикер
chat-room-preview =
    🏠 <b>Комната</b>: общий чат.
    Когда вы войдёте, всё, что вы пишете, будут получать все, кто здесь, пока вы не выйдете, не отправите другую команду или не замолчите на { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
       *[many] { $minutes } минут
    }.
chat-room-in =
    🏠 <b>Вы в комнате.</b>
    Всё, что вы пишете, теперь получат все, кто здесь. Выйти: «🚪 Выйти из комнаты», /leave или любая другая команда; а если { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
       *[many] { $minutes } минут
    } ничего не писать, вы выйдете сами.
# [1], not [one]: in Russian the category "one" also takes 21, 31…, whose count must show.
chat-room-here = { $count ->
        [0] 👥 Сейчас здесь никого нет.
        [1] 👥 Сейчас здесь: { $names }
       *[other] 👥 Сейчас здесь ({ $count }): { $names }{ $more ->
            [0] {""}
           *[other] {" "}и ещё { $more }
        }
    }
chat-room-join = ✅ Войти в комнату
chat-room-recent = Последние сообщения:
chat-room-empty = Сообщений пока нет. Поздоровайтесь!
chat-room-leave = 🚪 Выйти из комнаты
chat-room-left = 👋 Вы вышли из комнаты.
chat-room-left-by-command = 👋 Вы вышли из комнаты. Вернуться: /room
chat-room-not-in = Вы не в комнате. Войти: /room
chat-room-gone = 🚪 Вы уже не в комнате (вышли из неё в другом месте), поэтому это не отправлено. Войти снова: /room
chat-room-session-ended = 🚪 Сеанс в комнате прервался из-за сбоя на нашей стороне, поэтому сообщение не отправлено. Чтобы вернуться, нажмите «{ chat-room-join }» ниже или отправьте /room.
chat-room-idle-left = 🚪 Вы вышли из комнаты: { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
       *[many] { $minutes } минут
    } ничего туда не писали. Вернуться: /room
chat-room-idle-unsent = 🚪 Вы вышли из комнаты, потому что { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
       *[many] { $minutes } минут
    } ничего туда не писали, поэтому это не отправлено. Вернуться: /room
chat-room-rate-limited = ⏳ Слишком часто: в комнату можно писать не больше { $limit ->
        [one] { $limit } сообщения
        [few] { $limit } сообщений
       *[many] { $limit } сообщений
    } в минуту. Попробуйте через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
       *[many] { $seconds } секунд
    }.
chat-inbox-title =
    📥 <b>Входящие</b>: последние полученные сообщения, сначала новые
    🕒 Время: { $timezone }
chat-inbox-empty = 📭 Входящих пока нет. Здесь появятся сообщения, которые вам пришлют.
chat-inbox-reply = ↩️ { $n } · { $handle }
chat-inbox-history = 📜 { $n } · История
chat-contacts-title = 📜 <b>История</b>: с кем переписка? Или введите <code>/history @username</code>.
chat-contacts-empty = 📜 Переписок пока нет. Начните с ✉️ Новое сообщение.
chat-history-title = 📜 <b>Переписка с { $handle }</b> · страница { $page }
chat-history-hint = Сначала новые · 🕒 { $timezone }
chat-history-empty = 📜 С { $handle } сообщений пока нет. Нажмите ↩️ Ответить, чтобы написать первым.
chat-history-usage =
    📜 С кем переписка? <code>/history @username</code>
    Например: <code>/history @anna</code>
chat-history-self = ❌ Это вы. Полученные сообщения — в /inbox.
chat-line-out = ➡️ <b>{ $name }</b> · { $time }: { $text }
chat-line-in = ⬅️ <b>{ $name }</b> · { $time }: { $text }
chat-history-blocked = 🚫 Вы заблокировали { $handle }: этот человек не может вам писать, а вы ему — можете.
chat-block-button = 🚫 Заблокировать
chat-unblock-button = ✅ Разблокировать
chat-block-yes = 🚫 Да, заблокировать
chat-block-ask = Заблокировать { $handle }? Этот человек больше не сможет вам писать. Снять блокировку можно в любой момент.
chat-block-confirm =
    🚫 <b>Заблокировать { $handle }?</b>

    Этот человек больше не сможет писать вам личные сообщения: ни здесь, ни из приложений или через API. При попытке написать он увидит только, что вы не принимаете от него сообщения.
    Переписка останется в вашей истории, и вы по-прежнему сможете ему писать. Общую 🏠 Комнату блокировка не затрагивает.
    Снять блокировку можно в любой момент — здесь или в ⚙️ Настройки → 🚫 Заблокированные.
chat-blocked = 🚫 Готово: { $handle } больше не сможет вам писать.
chat-block-already = 🚫 { $handle } уже в списке заблокированных.
chat-unblocked = ✅ Блокировка снята: { $handle } снова может вам писать.
chat-unblock-not-blocked = { $handle } нет в списке заблокированных.

## chat delivery
chat-pm-incoming = 💬 { $sender }: { $text }
chat-pm-incoming-media = 💬 { $sender }
chat-pm-reply = ↩️ Ответить
chat-pm-notice = 📨 { $count ->
        [one] { $count } новое сообщение
        [few] { $count } новых сообщения
       *[many] { $count } новых сообщений
    } от { $sender } — /inbox
# Последний элемент списка отправителей в уведомлении, когда писавших больше, чем названо (после «от»).
chat-pm-notice-others = ещё { $count ->
        [one] { $count } собеседника
       *[other] { $count } собеседников
    }
chat-room-line = 🏠 <b>{ $name }</b> в комнате: { $text }
chat-room-line-media = 🏠 <b>{ $name }</b> в комнате

## admin
cmd-admin = Панель администратора
cmd-newmailing = Создать рассылку
menu-admin = 🛠 Админ-панель
admin-not-allowed = ⛔ Нет доступа
admin-home =
    🛠 <b>Панель администратора</b>
    Выберите раздел.
admin-stats-button = 📊 Статистика
admin-users-button = 👥 Пользователи
admin-mailings-button = 📨 Рассылки
admin-refresh = 🔄 Обновить
admin-to-home = 🛠 Панель администратора
admin-stats =
    📊 <b>Статистика</b>

    <b>Пользователей</b>: { $total }
    Активны за 7 дней: { $active }
    Заблокировали бота: { $blocked }
    Забанены: { $banned }

    <b>Задачи</b>: к выполнению { $todo }, в работе { $inProgress }, готово { $done }
    <b>Сообщений</b> за 24 ч: { $messages }
    <b>Рассылки</b>: запланировано { $scheduled }, идёт { $running }, на паузе { $paused }, завершено { $completed }, отменено { $cancelled }
admin-search-prompt = 🔎 Отправьте начало имени пользователя (например, <code>ann</code> или <code>@ann</code>) или числовой id (пользователя Gramdesk или Telegram).
admin-search-invalid = Это не начало имени пользователя (буквы, цифры, _) и не числовой id. Попробуйте ещё раз или /cancel.
admin-search-results = 🔎 Найдено по <b>{ $query }</b>: { $count }
admin-search-empty = 🔎 По <b>{ $query }</b> никого не найдено.
admin-search-again = 🔎 Новый поиск
admin-user-not-found = ❌ Пользователь не найден.
admin-card-title = 👤 <b>{ $name }</b> (id { $id })
admin-card-telegram = Telegram: { $telegram }
admin-card-account = Аккаунт: { $account }
admin-card-language = Язык: { $language }, часовой пояс: { $timezone }
admin-card-phone = Телефон: { $phone } (оператор { $operator })
admin-card-tags = Теги: { $tags }
admin-card-tags-none = Теги: нет
admin-card-role = Роль: { $role }
admin-card-status = Статус: { $status }
admin-card-created = Регистрация: { $created }
admin-card-seen = Последняя активность: { $seen }
admin-card-never = ещё не было
admin-role-user = пользователь
admin-role-admin = администратор
admin-status-active = активный
admin-status-banned = ⛔ в бане
admin-status-bot-blocked = (бот заблокирован)
admin-ban = ⛔ Забанить
admin-unban = ✅ Разбанить
admin-make-admin = ⭐ Сделать админом
admin-remove-admin = ➖ Снять права админа
admin-add-tag = 🏷 Добавить тег
admin-remove-tag = ❌ #{ $tag }
admin-back-to-results = ◀️ К результатам
admin-banned = Пользователь забанен.
admin-unbanned = Пользователь разбанен.
admin-confirm-bn = ⚠️ Забанить пользователя { $user }? Бот один раз ответит ему «вы заблокированы» и больше ничего — ни в Telegram, ни через API.
admin-confirm-ub = ⚠️ Разбанить пользователя { $user }? Бот и API снова станут ему доступны.
admin-confirm-ma = ⚠️ Сделать пользователя { $user } администратором? Ему откроется панель администратора: баны и рассылки.
admin-confirm-ra = ⚠️ Снять с пользователя { $user } права администратора?
admin-confirm-yes-bn = ⛔ Да, забанить
admin-confirm-yes-ub = ✅ Да, разбанить
admin-confirm-yes-ma = ⭐ Да, сделать администратором
admin-confirm-yes-ra = ➖ Да, снять права
admin-made-admin = Теперь администратор.
admin-removed-admin = Больше не администратор.
admin-tag-removed = Тег удалён.
admin-tags-added = ✅ Теги сохранены.
admin-tag-prompt = 🏷 Отправьте один или несколько тегов для пользователя { $name } (буквы, цифры, _ и -, через пробел).
admin-tag-invalid = Теги — это буквы, цифры, _ и - (до 32 символов, не больше 10 у пользователя). Попробуйте ещё раз или /cancel.
admin-already-done = Это уже сделал кто-то другой: вот карточка, как она выглядит сейчас.
admin-self = С собой так нельзя.
admin-banned-not-promoted = Пользователь забанен: чтобы сделать его админом, сначала разбаньте.

## mailings
mailings-list-title = 📨 <b>Рассылки</b> (сначала новые)
mailings-list-empty = 📨 Рассылок пока нет.
mailings-new = ➕ Новая
mailing-status-scheduled = 🕒 запланирована
mailing-status-running = ▶️ идёт
mailing-status-paused = ⏸ на паузе
mailing-status-completed = ✅ завершена
mailing-status-cancelled = ✖️ отменена
# Надпись кнопки (простой текст, не HTML): код добавляет « · » и начало текста без экранирования.
mailing-list-item = #{ $id } { $status } · { $sent }/{ $total }
mailing-not-found = ❌ Рассылка не найдена.
mailing-text-too-long = В тексте { $length ->
        [one] { NUMBER($length, useGrouping: "min2") } символ
        [few] { NUMBER($length, useGrouping: "min2") } символа
       *[many] { NUMBER($length, useGrouping: "min2") } символов
    }, а можно не больше { NUMBER($max, useGrouping: "min2") }. Отправьте текст короче.
mailing-preview = 👆 Именно это получат адресаты.
mailing-audience-prompt =
    👥 <b>Кому отправить?</b>
    Аудитория: { $audience }
    Адресатов сейчас: <b>{ $count }</b>
mailing-audience-hint = Условия можно сочетать: адресат должен подходить под каждое выбранное (внутри условия — под любое из значений). Число на кнопке — сколько адресатов будет, если её нажать.
mailing-audience-everyone = 👥 Всем · { $count }
mailing-audience-tags = 🏷 Теги…
mailing-audience-operators = 📱 Коды операторов…
mailing-audience-language = { $label } · { $count }
mailing-audience-continue = ➡️ Далее · { $count } { $count ->
        [one] адресат
        [few] адресата
       *[many] адресатов
    }
mailing-audience-continue-none = 🚫 Нет адресатов
mailing-audience-nobody = Сейчас под эти условия никто не подходит. Уберите одно из них или выберите «Всем».
mailing-audience-use-buttons = 👆 Выберите аудиторию кнопками выше. Чтобы ввести теги или коды операторов, сначала нажмите «🏷 Теги…» или «📱 Коды операторов…». /cancel — выйти.
mailing-audience-tags-prompt = 🏷 Отправьте теги через пробел или запятую, например <code>#vip, beta</code>: подойдут адресаты хотя бы с одним из них. Они заменят текущие теги; /skip — убрать условие по тегам.
mailing-audience-operators-prompt = 📱 Отправьте коды операторов через пробел или запятую, например <code>916 903</code>: подойдут адресаты хотя бы с одним из них. Они заменят текущие коды; /skip — убрать условие по операторам.
mailing-audience-values-empty = Не нашёл здесь ни одного значения. Отправьте их ещё раз или /skip.
mailing-audience-tags-invalid = Тег — не длиннее 32 символов. Отправьте теги ещё раз или /skip.
mailing-audience-operators-invalid = Код оператора — только цифры (до 8), например <code>916</code>. Отправьте коды ещё раз или /skip.
mailing-audience-too-many = Не больше { $max ->
        [one] { $max } значения
        [few] { $max } значений
       *[many] { $max } значений
    }. Отправьте меньше или /skip.
mailing-audience-values-invalid = Что-то не так ({ $error }). Попробуйте ещё раз.
mailing-audience-operators-label = коды операторов
mailing-audience-all = все
mailing-start-prompt = 🕒 Когда начать? Нажмите «Сейчас» или отправьте дату и время в вашем часовом поясе ({ $timezone }), например <code>{ $example }</code>.
mailing-start-now = ▶️ Сейчас
mailing-when-invalid = Не получилось понять «{ $input }» как дату и время. Пример: <code>{ $example }</code>.
mailing-when-past = Этот момент уже прошёл ({ $when }). Отправьте время в будущем.
mailing-end-prompt = 🏁 До какого момента можно отправлять? Дата и время ({ $timezone }), позже начала.
mailing-end-before-start = Конец должен быть позже начала ({ $start }). Отправьте более позднее время.
mailing-window-prompt = 🕘 Окно отправки по местному времени адресата, например <code>09:00-21:00</code>, или /skip — в любое время.
mailing-window-invalid = Окно выглядит так: <code>09:00-21:00</code> (начало и конец разные). Попробуйте ещё раз или /skip.
mailing-summary =
    📨 <b>Новая рассылка</b>
    Аудитория: { $audience } ({ $count ->
        [one] { $count } адресат
        [few] { $count } адресата
       *[many] { $count } адресатов
    } сейчас)
    Начало: { $start }
    Конец: { $end }
    Окно: { $window }
    Кнопки: { $buttons }
    Создать?
mailing-window-none = в любое время
mailing-summary-start-now = сразу после создания
mailing-create = ✅ Создать
mailing-summary-use-buttons = 👆 Нажмите «✅ Создать» выше, чтобы создать рассылку, или «✖️ Отмена» (/cancel), чтобы отказаться от неё.
mailing-created = ✅ Рассылка #{ $id } создана.
mailing-create-end-passed = Конец рассылки ({ $end }) уже прошёл, пока вы её создавали, — рассылка не создана. Начните заново с более поздним концом.
mailing-card =
    📨 <b>Рассылка #{ $id }</b> · { $status }
    Начало: { $start } · Конец: { $end } (ваше время)
    Аудитория: { $audience } · окно: { $window }
# Строка содержимого (mailing-content-line) стоит между этими двумя, их соединяет код: переведённый
# текст, переданный аргументом, экранировался бы второй раз.
mailing-card-progress =
    { $bar } { $percent }%
    ⏳ ожидают { $pending } · ⚙️ в работе { $processing } · ✅ отправлено { $sent }
    ❌ ошибки { $error } · ⌛ истекли { $expired } · ❔ неизвестно { $unknown }
    🔕 отписались { $unsubscribes }
    Скорость: { NUMBER($rate, minimumFractionDigits: 1, maximumFractionDigits: 1) } сообщ./с · Осталось: { $eta }
mailing-eta-unknown = —
mailing-refresh = 🔄 Обновить
mailing-cancel = ✖️ Отменить рассылку
mailing-cancel-confirm = Отменить рассылку #{ $id }? Больше ничего не будет отправлено.
mailing-cancel-yes = ✖️ Да, отменить
mailing-cancel-no = ◀️ Нет, оставить
mailing-cancelled = Рассылка отменена.
mailing-already-finished = Рассылка уже завершена.
mailing-to-list = ◀️ К списку
mailing-daily-summary = 📊 <b>Рассылки за вчера</b> ({ $date })
mailing-daily-summary-line = #{ $id } · { $status } · ✅ { $sent } · ❌ { $error } · ⌛ { $expired } · ❔ { $unknown }
mailing-content-prompt = ✍️ Пришлите сообщение ровно таким, каким его должны увидеть адресаты: текст с оформлением (жирный, ссылки…) или фото, видео, GIF либо документ с подписью. Можно и переслать готовое. До 4096 символов, у подписи — до 1024. /cancel — отмена.
mailing-content-unsupported = Такое сообщение разослать нельзя. Пришлите текст или фото, видео, GIF либо документ с подписью.
mailing-content-empty = Сообщение пустое. Пришлите текст или медиа с подписью.
mailing-caption-too-long = В подписи { $length ->
        [one] { NUMBER($length, useGrouping: "min2") } символ
        [few] { NUMBER($length, useGrouping: "min2") } символа
       *[many] { NUMBER($length, useGrouping: "min2") } символов
    }, а можно не больше { NUMBER($max, useGrouping: "min2") }. Пришлите покороче.
mailing-invalid = Что-то не так: { $error }
mailing-buttons-prompt =
    🔗 Добавить кнопки со ссылками? Каждая строка — ряд кнопок, кнопка — <code>Название https://…</code>, в ряду до { $perRow } через <code>|</code>, рядов до { $rows }. Например:
    <code>Магазин https://example.com/shop | Помощь https://example.com/help</code>
# Строка после mailing-buttons-prompt: при создании (skip) или при изменении запланированной рассылки (edit).
mailing-buttons-skip-hint = Или нажмите «Пропустить» (/skip).
mailing-buttons-edit-hint = Они заменят нынешние кнопки. «🚫 Без кнопок» (или /skip) уберёт все кнопки, «◀️ Назад» оставит их как есть.
mailing-buttons-skip = ⏭ Пропустить
mailing-buttons-too-many = Не больше { $rows } { $rows ->
        [one] ряда
       *[other] рядов
    } по { $perRow } { $perRow ->
        [one] кнопке
        [few] кнопки
       *[many] кнопок
    }. Пришлите меньше или /skip.
mailing-buttons-row-too-long = В ряду { $row } больше { $perRow } { $perRow ->
        [one] кнопки
       *[other] кнопок
    }. Пришлите ещё раз или /skip.
mailing-buttons-no-label = У кнопки { $column } в ряду { $row } нет названия перед ссылкой, например <code>Магазин https://example.com</code>.
mailing-buttons-label-too-long = Название кнопки { $column } в ряду { $row } длиннее { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }.
mailing-buttons-url-invalid = Ссылка кнопки { $column } в ряду { $row } — не адрес, нужно что-то вроде <code>https://example.com</code>.
mailing-buttons-url-scheme = Ссылка кнопки { $column } в ряду { $row } должна начинаться с http:// или https://.
mailing-buttons-url-too-long = Ссылка кнопки { $column } в ряду { $row } длиннее { $max ->
        [one] { $max } символа
        [few] { $max } символов
       *[many] { $max } символов
    }.
mailing-test-failed = ⚠️ Telegram не принял рассылку: { $error }
mailing-preview-failed = ⚠️ Telegram не принял рассылку: { $error }
    Пришлите сообщение и кнопки заново — аудитория и сроки останутся такими, как вы их выбрали.
mailing-test = 🧪 Тест
mailing-test-sent = Отправил вам так, как получат адресаты.
mailing-pause = ⏸ Пауза
mailing-resume = ▶️ Продолжить
mailing-paused = На паузе: больше ничего не уйдёт, пока не продолжите.
mailing-resumed = Продолжаем с того места, где остановились.
mailing-state-changed = Рассылка за это время изменилась — вот какая она сейчас.
mailing-delete = 🗑 Удалить
mailing-delete-confirm = Удалить рассылку #{ $id }? Она ещё не началась, никто ничего не получит.
mailing-delete-yes = 🗑 Да, удалить
mailing-deleted = Рассылка #{ $id } удалена.
mailing-recall = ↩️ Отозвать
mailing-recall-confirm = ↩️ Отозвать рассылку #{ $id }? { $sent ->
        [one] { $sent } отправленное сообщение будет удалено
        [few] { $sent } отправленных сообщения будут удалены
        [many] { $sent } отправленных сообщений будут удалены
       *[other] { $sent } отправленного сообщения будут удалены
    } из чатов адресатов со скоростью рассылки. Telegram разрешает это в течение 48 часов после отправки; более старые сообщения останутся.
mailing-recall-stops = Сначала остановится отправка: рассылка будет отменена.
mailing-recall-yes = ↩️ Да, удалить
mailing-recall-started = Отзыв начат: сообщения удаляются.
mailing-recall-too-late = Поздно: Telegram позволяет боту удалять свои сообщения только в течение 48 часов.
mailing-recall-nothing = Ещё ничего не отправлено — отзывать нечего.
mailing-card-recalling = ↩️ Идёт отзыв: удалено { $recalled } · не удалось { $failed } · осталось { $left }
mailing-card-recalled = ↩️ Отозвана: удалено { $recalled } · не удалось удалить { $failed }
mailing-card-clicks = 👆 переходы { $clicks } ({ $buttons })
mailing-buttons-clicks-counted = 👆 Переходы считаются: каждая кнопка открывает короткую ссылку через { $url }, которая учитывает нажатие (одно на адресата и кнопку) и ведёт на ваш адрес.
mailing-buttons-clicks-off = 👆 Переходы не считаются: { $url } недоступен из интернета (укажите в PUBLIC_URL публичный адрес), поэтому кнопки ведут прямо на ваши адреса.
mailing-media-photo = 🖼 Фото
mailing-media-video = 🎬 Видео
mailing-media-animation = 🎞 GIF
mailing-media-document = 📄 Документ
mailing-content-line = «{ $text }»{ $buttons ->
        [0] {""}
       *[other] {" "}· 🔗 { $buttons }
    }
mailing-eta-days = { $d } дн. { $h } ч
mailing-eta-hours = { $h } ч { $m } мин
mailing-eta-minutes = { $m } мин { $s } с
mailing-eta-seconds = { $s } с
mailing-unsubscribe = 🔕 Отписаться
mailing-unsubscribed = ✓ Вы отписались
mailing-unsubscribe-undo = ↩️ Вернуть
mailing-unsubscribed-toast = Рассылки больше не придут. Напоминания и сообщения — как прежде. Вернуть можно кнопкой «Вернуть» или в настройках.
mailing-resubscribed-toast = Рассылки снова включены.
mailing-unsubscribe-preview = В настоящей рассылке эта кнопка отписывает адресата.
mailings-setting = 📨 Рассылки: { $state }

## mailings: failed recipients, edit of a scheduled mailing
mailing-failures = ⚠️ Не доставлено: { $count }
mailing-failures-title = ⚠️ <b>Рассылка #{ $id }: не доставлена { $count ->
        [one] { $count } адресату
       *[other] { $count } адресатам
    }</b>
mailing-failures-none = Пока таких нет.
mailing-failures-item = { $n }. { $who }
mailing-failures-back = ◀️ К рассылке
mailing-failed-error = ❌ ошибка
mailing-failed-expired = ⌛ истёк срок
mailing-failed-unknown = ❔ неизвестно
mailing-failure-blocked = заблокировал(а) бота
mailing-failure-deactivated = аккаунт Telegram удалён
mailing-failure-chat-not-found = Telegram не знает этот чат (аккаунта больше нет или бот не запускался)
mailing-failure-expired = время рассылки вышло раньше, чем дошла очередь
mailing-failure-cancelled = рассылку отменили раньше, чем дошла очередь
mailing-failure-unknown = из-за сбоя неизвестно, дошло ли сообщение; повторно оно не отправляется
mailing-failure-other = ответ Telegram: { $error }
mailing-edit = ✏️ Изменить
mailing-edit-prompt = ✏️ <b>Что изменить?</b> Рассылка ещё не началась, так что все адресаты получат новый вариант.
mailing-edit-use-buttons = 👆 Выберите кнопкой выше, что изменить, или нажмите «✖️ Отмена» (/cancel), чтобы оставить рассылку как есть.
mailing-edit-content = ✍️ Сообщение
mailing-edit-buttons = 🔗 Кнопки
mailing-edit-audience = 👥 Аудитория
mailing-edit-start = 🕒 Начало
mailing-edit-end = 🏁 Конец
mailing-edit-window = 🕘 Окно
mailing-edit-saved = ✅ Рассылка #{ $id } изменена.
mailing-edit-started = ⚠️ Рассылка уже началась, изменить её нельзя — ничего не изменено. Её по-прежнему можно приостановить или отменить.
mailing-edit-times-invalid = Начало должно быть раньше конца. Сначала измените конец, потом начало.
mailing-edit-end-past = Конец должен быть в будущем. Сначала измените конец.
mailing-start-after-end = Начало должно быть раньше конца ({ $end }). Отправьте время пораньше или сначала измените конец.
mailing-buttons-none = 🚫 Без кнопок
mailing-window-clear = 🚫 Без окна (в любое время)
mailings-setting-off-toast = 📨 Рассылки выключены. Напоминания и личные сообщения по-прежнему будут приходить.
mailings-setting-on-toast = 📨 Рассылки снова включены.
