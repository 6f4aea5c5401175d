/** Renderer strings of software rasterizers (as selectBackend recognizes them). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * The WebGL2 renderer this worker would get, read from a throw-away OffscreenCanvas context
 * (no tfjs, no shader compiled), and whether it is a software rasterizer.
 */
export function webglRendererInfo(): { available: boolean; renderer?: string; software?: boolean } {
  if (typeof OffscreenCanvas === 'undefined') return { available: false };
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch {
    return { available: false };
  }
  if (!gl) return { available: false };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, renderer, software: SOFTWARE_RENDERER.test(renderer) };
}
