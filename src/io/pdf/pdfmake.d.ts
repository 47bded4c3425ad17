// The part of pdfmake 0.3's server API that src/io/pdf uses, typed here rather than through
// @types/pdfmake: those typings pull the DOM library into the whole (Node-only) program
// (`/// <reference lib="dom" />`), which would let browser globals type-check in server code.

declare module 'pdfmake' {
  export interface FontFiles { readonly normal: string; readonly bold: string; readonly italics: string; readonly bolditalics: string }
  /** A piece of document content (pdfmake's "document definition object" nodes). */
  export type Content = string | readonly Content[] | ContentNode;
  export type Margin = number | readonly [number, number] | readonly [number, number, number, number];
  export interface TableLayout {
    readonly hLineWidth?: (i: number, node: unknown) => number;
    readonly vLineWidth?: (i: number, node: unknown) => number;
    readonly hLineColor?: (i: number, node: unknown) => string;
    readonly vLineColor?: (i: number, node: unknown) => string;
    readonly paddingLeft?: (i: number, node: unknown) => number;
    readonly paddingRight?: (i: number, node: unknown) => number;
    readonly paddingTop?: (i: number, node: unknown) => number;
    readonly paddingBottom?: (i: number, node: unknown) => number;
    readonly fillColor?: (row: number, node: unknown) => string | null;
  }
  export interface ContentNode {
    readonly text?: Content;
    readonly stack?: readonly Content[];
    readonly columns?: readonly Content[];
    readonly ul?: readonly Content[];
    readonly ol?: readonly Content[];
    readonly table?: {
      readonly body: readonly (readonly Content[])[];
      readonly widths?: readonly (string | number)[];
      readonly headerRows?: number;
      readonly dontBreakRows?: boolean;
      readonly keepWithHeaderRows?: number;
    };
    readonly canvas?: readonly Record<string, unknown>[];
    readonly layout?: string | TableLayout;
    readonly style?: string | readonly string[];
    readonly margin?: Margin;
    readonly width?: string | number;
    readonly fontSize?: number;
    readonly font?: string;
    readonly bold?: boolean;
    readonly italics?: boolean;
    readonly color?: string;
    readonly fillColor?: string;
    readonly alignment?: 'left' | 'right' | 'center' | 'justify';
    readonly lineHeight?: number;
    readonly pageBreak?: 'before' | 'after';
    readonly unbreakable?: boolean;
    readonly colSpan?: number;
    readonly rowSpan?: number;
    readonly border?: readonly [boolean, boolean, boolean, boolean];
    readonly headlineLevel?: number;
    readonly columnGap?: number;
    readonly decoration?: string;
    readonly noWrap?: boolean;
    readonly counter?: number;
    readonly listType?: string;
    readonly preserveLeadingSpaces?: boolean;
    readonly characterSpacing?: number;
  }
  export type DynamicContent = (page: number, pages: number) => Content;
  export interface DocumentDefinition {
    readonly content: Content;
    readonly pageSize?: string | { readonly width: number; readonly height: number };
    readonly pageOrientation?: 'portrait' | 'landscape';
    readonly pageMargins?: Margin;
    readonly header?: Content | DynamicContent;
    readonly footer?: Content | DynamicContent;
    readonly background?: Content | DynamicContent;
    readonly styles?: Readonly<Record<string, Omit<ContentNode, 'text' | 'style'>>>;
    readonly defaultStyle?: Omit<ContentNode, 'text' | 'style'>;
    readonly watermark?: { readonly text: string; readonly color?: string; readonly opacity?: number; readonly bold?: boolean; readonly fontSize?: number };
    readonly pageBreakBefore?: (node: unknown, followingNodes: unknown) => boolean;
    readonly info?: Readonly<Record<string, string | Date>>;
    readonly language?: string;
  }
  interface PdfMake {
    setFonts(fonts: Readonly<Record<string, FontFiles>>): void;
    setUrlAccessPolicy(callback: (url: string) => boolean): void;
    setLocalAccessPolicy(callback: (path: string) => boolean): void;
    createPdf(def: DocumentDefinition): { getBuffer(): Promise<Buffer> };
  }
  const pdfmake: PdfMake;
  export default pdfmake;
}
