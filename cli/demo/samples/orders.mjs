// A small orders API, written as any Lambda function for the Node.js runtime is.
// The demo packs this file into a real zip once per release; it rewrites the next line each time.
const RELEASE = { name: 'v1', faulty: false };

export const handler = async (event) => {
  // Health checks (the smoke-test hook sends one) never touch the order code.
  if (event && event.ping) return { ok: true, release: RELEASE.name };

  const order = (event && event.order) || {};
  let total;
  if (RELEASE.flaky && Number(String(order.id).split('-').pop()) % 5 === 0) {
    // The v4 bug: a new discount rule divides by the items left, and every fifth order has none left.
    throw new RangeError(`order ${order.id}: no items left to discount`);
  }
  if (RELEASE.faulty) {
    // The v3 bug: the refactoring renamed `unitPrice` to `pricing.unit` in one place only.
    total = order.quantity * order.pricing.unit;
  } else {
    total = (order.quantity || 1) * (order.unitPrice || 10);
  }
  return { statusCode: 200, body: JSON.stringify({ orderId: order.id, total, release: RELEASE.name }) };
};
