import { addTool, BrushTool, CircleScissorsTool, Enums as ToolsEnums, LabelmapBaseTool, RectangleScissorsTool, ToolGroupManager, utilities } from '@cornerstonejs/tools';

/** A painting tool that @cornerstonejs/tools runs on the MPR views (null: none, the viewer's own pointer handling). */
export type CornerstonePaint =
  | { kind: 'brush'; mode: 'fill' | 'erase' | 'threshold'; sphere: boolean; radiusMm: number; threshold: [number, number] }
  | { kind: 'scissors'; shape: 'rectangle' | 'circle'; erase: boolean }
  | null;

const TOOL_CLASSES = [BrushTool, RectangleScissorsTool, CircleScissorsTool] as const;
let registered = false;

/** The brush strategy (cornerstone's names) of a brush mode and shape. */
export function brushStrategy(mode: 'fill' | 'erase' | 'threshold', sphere: boolean): string {
  const shape = sphere ? 'SPHERE' : 'CIRCLE';
  return mode === 'erase' ? `ERASE_INSIDE_${shape}` : mode === 'threshold' ? `THRESHOLD_INSIDE_${shape}` : `FILL_INSIDE_${shape}`;
}

/**
 * The cornerstone3D segmentation tools of one MPR viewer (a ToolGroup over its three viewports):
 * the brush (fill, erase, threshold; circle or sphere) and the rectangle and circle scissors.
 * One tool at a time is active on the primary button; the others are disabled, so the viewer's
 * own pointer handling (crosshairs, window/level, pan, zoom, PatchLens's other tools) is alone
 * on the elements. The tools' own key actions (preview, interpolation) are removed: the app's
 * command registry owns the keyboard.
 */
export class SegmentationTools {
  private readonly group: NonNullable<ReturnType<typeof ToolGroupManager.createToolGroup>>;
  private active: string | null = null;

  constructor(
    private readonly groupId: string,
    renderingEngineId: string,
    viewportIds: readonly string[],
  ) {
    if (!registered) for (const T of TOOL_CLASSES) addTool(T);
    registered = true;
    const group = ToolGroupManager.createToolGroup(groupId);
    if (!group) throw new Error(`SegmentationTools: a tool group "${groupId}" exists already`);
    this.group = group;
    for (const id of viewportIds) group.addViewport(id, renderingEngineId);
    for (const T of TOOL_CLASSES) {
      group.addTool(T.toolName);
      const tool = group.getToolInstance(T.toolName) as { configuration: Record<string, unknown> } | undefined;
      if (tool) tool.configuration.actions = {};
      group.setToolDisabled(T.toolName);
    }
  }

  /** Activates a painting tool with its settings on the primary button (null: none). */
  set(paint: CornerstonePaint): void {
    const name = paint === null ? null : paint.kind === 'brush' ? BrushTool.toolName : paint.shape === 'rectangle' ? RectangleScissorsTool.toolName : CircleScissorsTool.toolName;
    if (paint?.kind === 'brush') {
      this.group.setToolConfiguration(BrushTool.toolName, {
        activeStrategy: brushStrategy(paint.mode, paint.sphere),
        threshold: { isDynamic: false, range: [...paint.threshold] },
      });
      // cornerstone's own setter also redraws the brush cursor at its new size ([ ], Ctrl+wheel, the slider).
      utilities.segmentation.setBrushSizeForToolGroup(this.groupId, paint.radiusMm);
    } else if (paint?.kind === 'scissors' && name) {
      this.group.setToolConfiguration(name, { activeStrategy: paint.erase ? 'ERASE_INSIDE' : 'FILL_INSIDE' });
    }
    if (name === this.active) return;
    if (this.active) this.group.setToolDisabled(this.active);
    this.active = name;
    if (name) this.group.setToolActive(name, { bindings: [{ mouseButton: ToolsEnums.MouseBindings.Primary }] });
  }

  /**
   * Call at each press, before the tool sees it. cornerstone 5.0.13's brush keeps its last drag
   * dab as a "preview" (shared by the labelmap tools) when previews are off, and then ignores the
   * next click (it takes the click for the acceptance of that preview); PatchLens never uses
   * previews, so none is ever pending.
   */
  pressStarts(): void {
    if (LabelmapBaseTool.previewData) LabelmapBaseTool.previewData.preview = null;
  }

  /** The active cornerstone tool's name (null: none). */
  get activeTool(): string | null {
    return this.active;
  }

  /** Destroys the tool group. */
  destroy(): void {
    ToolGroupManager.destroyToolGroup(this.groupId);
  }
}
