import QRCode from "qrcode";
import { type Html, raw } from "../words/html.js";

/** The set-up screen's QR code of an otpauth:// URI, as inline SVG (no script, no request). */
export async function keyQr(uri: string): Promise<Html> {
  return raw(await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 4 }));
}
