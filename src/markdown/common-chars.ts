/**
 * Characters that launch checklists and READMEs commonly carry, most common first. When a dropped byte
 * leaves several candidate characters and the document itself does not decide, the one ranked here wins:
 * status marks, section icons and the typography of technical writing. The order only matters between
 * characters whose UTF-8 encodings differ in one byte, e.g. 📝 over 📁 📎 📍 📞, 🎯 over 🍯 🏯 🐯,
 * ❌ over ⍌ ⎌ ⏌ ➌, ” over „ ‐ ⁀.
 */
const RANKED: string[] = [
  // Status marks and warnings.
  ...'✅ ❌ ⚠ ✔ ✓ ✗ ✘ ❗ ❓ ❕ ❔ ⛔ 🚫 ☑ 🆗 ℹ'.split(' '),
  // The emoji presentation selector (⚠️) and the joiner of emoji sequences (👩‍💻).
  '\uFE0F',
  '\u200D',
  // Section icons of technical documents.
  ...'🚀 🎯 🎉 📝 📌 🔒 🔐 🔑 🔍 🔎 🔧 🔨 🛠 ⚙ 📊 📈 📉 📦 📋 📄 📁 📂 📎 📅 📆 📍 📞 📢 📣 📚 📖 📹 🗂'.split(
    ' ',
  ),
  ...'⏰ ⏱ ⏳ ⌛ 🚦 🚧 🚨 🔥 💡 🐛 🐞 🧪 🧹 ♻ 🗑 🏁 🏆 🎨 ✨ ⭐ 🌟 🔗 🌐 🔄 🔁 🔔 💬 👍 👎 👉 👀 🙏 👏'.split(
    ' ',
  ),
  ...'💰 💸 🛡 🟢 🟡 🟠 🔴 🔵 ⚪ ⚫ ❤ 💚 💛 ✏ ✍ ➕ ➖ ➡ ⬅ ⬆ ⬇ ↩ ▶ ⏸ ⏹ 🆕'.split(' '),
  // Typography.
  ...'” “ ’ ‘ – — … • → ← ↑ ↓ € ™ „ ‐'.split(' '),
];

const RANK = new Map<string, number>(RANKED.map((char, index) => [char, index]));

/** Rank of a character among the common ones (0 = most common), or undefined when it is not listed. */
export function commonRank(char: string): number | undefined {
  return RANK.get(char);
}
