import { describe, expect, it } from 'vitest';
import { editToolOfStep, segAlgorithmOfEdits } from '../../../shared/annotation/editTools';
import { defaultToolSettings, fillStroke, paintLabel, type ToolSettings } from '../../../src-renderer/annotation/strokes';

describe('editToolOfStep', () => {
  it('names the tool of every step label the renderer writes, manual or semi-automatic', () => {
    const s = (over: Partial<ToolSettings>): ToolSettings => ({ ...defaultToolSettings(), ...over });
    expect(editToolOfStep(paintLabel(s({ tool: 'brush' })))).toEqual({ name: 'brush', kind: 'manual' });
    expect(editToolOfStep(paintLabel(s({ tool: 'eraser' })))).toEqual({ name: 'eraser', kind: 'manual' });
    for (const scissorsShape of ['rectangle', 'circle', 'polygon'] as const) {
      expect(editToolOfStep(paintLabel(s({ tool: 'scissors', scissorsShape })))).toEqual({ name: 'scissors', kind: 'manual' });
    }
    expect(editToolOfStep(paintLabel(s({ tool: 'threshold', threshold: [10, 200] })))).toEqual({ name: 'threshold brush', kind: 'semiautomatic' });
    const fill = fillStroke({ grid: { shape: [1, 2, 2], spacing: [1, 1, 1] }, image: new Float32Array(4), labels: new Uint8Array(4), prediction: null, settings: s({ tool: 'fill' }), axis: 0 }, [0, 0, 0]);
    expect(editToolOfStep(fill.label)).toEqual({ name: 'region grow', kind: 'semiautomatic' });
    expect(editToolOfStep('Accept prediction in a rectangle')).toEqual({ name: 'accept prediction', kind: 'semiautomatic' });
    expect(editToolOfStep('Accept predicted component, brain (12 voxels)')).toEqual({ name: 'accept prediction', kind: 'semiautomatic' });
  });

  it('moves through the history have no tool; an unknown label counts as semi-automatic', () => {
    expect(editToolOfStep('Undo Brush circle 3 mm, label 1')).toBeNull();
    expect(editToolOfStep('Redo Flood fill 2-D ±10, label 1')).toBeNull();
    expect(editToolOfStep('Jump to step 3')).toBeNull();
    expect(editToolOfStep('Magic wand')).toEqual({ name: 'unknown tool', kind: 'semiautomatic' });
  });
});

describe('segAlgorithmOfEdits', () => {
  it('MANUAL for hand-drawn edits only, SEMIAUTOMATIC naming the semi-automatic tools otherwise', () => {
    expect(segAlgorithmOfEdits({ tools: [], fromPrediction: false })).toEqual({ type: 'MANUAL', name: null, summary: 'not edited' });
    expect(segAlgorithmOfEdits({ tools: [{ name: 'brush', kind: 'manual' }, { name: 'eraser', kind: 'manual' }], fromPrediction: false })).toEqual({ type: 'MANUAL', name: null, summary: 'edited with brush, eraser' });
    expect(segAlgorithmOfEdits({ tools: [{ name: 'brush', kind: 'manual' }, { name: 'threshold brush', kind: 'semiautomatic' }], fromPrediction: false })).toEqual({
      type: 'SEMIAUTOMATIC',
      name: 'PatchLens threshold brush',
      summary: 'edited with brush, threshold brush',
    });
    expect(segAlgorithmOfEdits({ tools: [{ name: 'brush', kind: 'manual' }], fromPrediction: true })).toEqual({ type: 'SEMIAUTOMATIC', name: 'PatchLens prediction', summary: "a model's prediction, edited with brush" });
  });
});
