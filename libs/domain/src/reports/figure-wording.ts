/**
 * Figures worded as the published campaign reports word them: counts rounded down with 余 ("2.3万余场",
 * "16.3万余人次", "130余万人次", "1820余场次"), money rounded with 约 ("约1.56亿元"), and the same rounding, to the
 * same step, in English ("over 23 thousand", "about ¥156 million"). Integer arithmetic only: money arrives in 分.
 */
import { chineseDate, chineseDuration, groupDigits } from '../wording';

export { groupDigits } from '../wording';

const WAN = 10_000;
const YI = 100_000_000;

/** `units` hundredths (places 2) or tenths (places 1) as a decimal without trailing zeros: 156, 2 → "1.56"; 150, 2 → "1.5". */
function decimal(units: number, places: number): string {
  const scale = 10 ** places;
  const whole = Math.floor(units / scale);
  const fraction = String(units % scale).padStart(places, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** `value` rounded half up to a whole number of `step`s. */
function roundTo(value: number, step: number): number {
  return Math.floor((value + step / 2) / step);
}


/** 分 as exact yuan with grouping: 15601234567 → "156,012,345.67". */
export function exactYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const magnitude = Math.abs(fen);
  return `${sign}${groupDigits(Math.floor(magnitude / 100))}.${String(magnitude % 100).padStart(2, '0')}`;
}

/**
 * A count in report Chinese: below 1,000 exact; below 1万 to the ten ("1820余"); below 100万 to the tenth of a 万
 * ("2.3万余"); below 1亿 to the 万 ("130余万"); beyond, to the hundredth of a 亿 ("1.56亿余"). 余 marks a figure
 * rounded down from more; `more` adds it for a remainder the count itself does not show (minutes under an hour).
 */
export function chineseCount(count: number, more = false): string {
  if (count < 1_000) return `${count}${more ? '余' : ''}`;
  if (count < WAN) {
    const tens = Math.floor(count / 10);
    return `${tens * 10}${more || tens * 10 < count ? '余' : ''}`;
  }
  if (count < 100 * WAN) {
    const tenths = Math.floor(count / 1_000);
    return `${decimal(tenths, 1)}万${more || tenths * 1_000 < count ? '余' : ''}`;
  }
  if (count < YI) {
    const wan = Math.floor(count / WAN);
    return more || wan * WAN < count ? `${wan}余万` : `${wan}万`;
  }
  const hundredths = Math.floor(count / (YI / 100));
  return `${decimal(hundredths, 2)}亿${more || hundredths * (YI / 100) < count ? '余' : ''}`;
}

/**
 * A count in report English, rounded down as the Chinese is: "over 23 thousand", "over 1.3 million", exact below
 * 1,000 and whenever nothing was rounded away.
 */
export function englishCount(count: number, more = false): string {
  const over = (shown: number, text: string): string => (more || shown < count ? `over ${text}` : text);
  if (count < 1_000) return more ? `over ${count}` : String(count);
  if (count < WAN) {
    const tens = Math.floor(count / 10) * 10;
    return over(tens, groupDigits(tens));
  }
  if (count < 100 * WAN) {
    const thousands = Math.floor(count / 1_000);
    return over(thousands * 1_000, `${thousands} thousand`);
  }
  if (count < YI) {
    const wan = Math.floor(count / WAN);
    return over(wan * WAN, `${decimal(wan, 2)} million`);
  }
  const millions = Math.floor(count / 1_000_000);
  return over(millions * 1_000_000, millions < 1_000 ? `${millions} million` : `${decimal(millions, 3)} billion`);
}

/**
 * Money (分) in report Chinese: below 1万元 to the yuan ("约8765元"); below 1亿元 to the hundredth of a 万
 * ("约4878.18万元"); beyond, to the hundredth of a 亿 ("约1.56亿元"). 约 marks a rounded figure. A figure that
 * rounds up to the next unit is written in it (99,999,999.99元 → "约1亿元").
 */
export function chineseYuan(fen: number): string {
  const approx = (step: number): string => (fen % step === 0 ? '' : '约');
  // Under a yuan, rounding would say 约0元: the exact amount says more.
  if (fen > 0 && fen < 100) return `${decimal(fen, 2)}元`;
  const yuan = roundTo(fen, 100);
  if (yuan < WAN) return `${approx(100)}${yuan}元`;
  const wanHundredths = roundTo(fen, 100 * WAN / 100);
  if (wanHundredths < 100 * WAN) return `${approx(100 * WAN / 100)}${decimal(wanHundredths, 2)}万元`;
  return `${approx(100 * YI / 100)}${decimal(roundTo(fen, 100 * YI / 100), 2)}亿元`;
}

/**
 * Money (分) in report English, to the same step as the Chinese (whole yuan below 1万元, hundreds of yuan below 1亿元,
 * millions of yuan beyond), written the English way: "¥8,765", "about ¥15,500" (约1.55万元), "about ¥48,781,800"
 * (约4878.18万元), "about ¥156 million" (约1.56亿元), "about ¥1.234 billion" (约12.34亿元).
 */
export function englishYuan(fen: number): string {
  const approx = (step: number): string => (fen % step === 0 ? '' : 'about ');
  if (fen > 0 && fen < 100) return `¥${decimal(fen, 2)}`;
  const yuan = roundTo(fen, 100);
  if (yuan < WAN) return `${approx(100)}¥${groupDigits(yuan)}`;
  const hundreds = roundTo(fen, 100 * WAN / 100);
  if (hundreds < YI / 100) return `${approx(100 * WAN / 100)}¥${groupDigits(hundreds * 100)}`;
  const millions = roundTo(fen, 100 * YI / 100);
  if (millions < 1_000) return `${approx(100 * YI / 100)}¥${millions} million`;
  return `${approx(100 * YI / 100)}¥${decimal(millions, 3)} billion`;
}

/** Minutes as exact hours and minutes: 2474430 → "41,240小时30分钟" / "41,240 h 30 min". */
export function exactDuration(minutes: number, lang: 'zh-CN' | 'en'): string {
  if (lang === 'zh-CN') return chineseDuration(minutes);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${groupDigits(hours)} h` : `${groupDigits(hours)} h ${rest} min`;
}

/** `2026-01-05` → "2026年1月5日" / "5 January 2026". */
export function wordedDate(date: string, lang: 'zh-CN' | 'en'): string {
  if (lang === 'zh-CN') return chineseDate(date);
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${ENGLISH_MONTHS[month - 1]} ${year}`;
}

const ENGLISH_MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December',
];
