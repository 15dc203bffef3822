// Realistic small files, one per supported language, with the lines tests and benchmarks poke at.
import type { SymbolKind } from '../../src/core/code/symbolParser.ts';


export interface CodeSample {
  path: string;
  text: string;
  /** A line inside a method, and the method it belongs to. */
  inMethod: { marker: string; name: string; container: string; kind: SymbolKind };
  /** Two adjacent top-level functions (or methods) a single hunk can span. */
  span: { from: string; to: string; names: [string, string] };
  /** A whole function to add at the end, and its name. */
  added: { text: string; name: string };
}

export const typescriptSample: CodeSample = {
  path: 'src/service/orderService.ts',
  text: `import type { Order } from './order.ts';
import { logger } from '../log.ts';

export const MAX_RETRIES = 3;

export interface Repository<T> {
  find(id: string): Promise<T | undefined>;
  save(item: T): Promise<void>;
}

@injectable()
export class OrderService {
  private readonly cache = new Map<string, Order>();

  constructor(private readonly repo: Repository<Order>) {}

  async place(order: Order): Promise<void> {
    if (order.items.length === 0) {
      throw new Error('empty order');
    }
    this.cache.set(order.id, order);
    await this.repo.save(order);
  }

  cancel = async (id: string): Promise<boolean> => {
    const order = await this.repo.find(id);
    return order !== undefined;
  };
}

export function totalOf(order: Order): number {
  return order.items.reduce((sum, item) => sum + item.price, 0);
}

export function describeOrder(order: Order): string {
  return \`\${order.id}: \${totalOf(order)}\`;
}

export const formatPrice = (cents: number): string => {
  return (cents / 100).toFixed(2);
};
`,
  inMethod: { marker: "throw new Error('empty order')", name: 'place', container: 'OrderService', kind: 'method' },
  span: { from: 'return order.items.reduce', to: 'return `${order.id}', names: ['totalOf', 'describeOrder'] },
  added: { text: 'export function refund(order: Order): void {\n  logger.info(order.id);\n}\n', name: 'refund' },
};

export const tsxSample: CodeSample = {
  path: 'web/components/OrderList.tsx',
  text: `import React, { useState } from 'react';

type Props = { orders: string[]; onPick: (id: string) => void };

export const OrderList = ({ orders, onPick }: Props) => {
  const [open, setOpen] = useState(false);
  return (
    <ul className="orders">
      {orders.map((id) => (
        <li key={id} onClick={() => onPick(id)}>{id}</li>
      ))}
    </ul>
  );
};

export class Panel extends React.Component<Props> {
  render() {
    return <div className="panel">{this.props.orders.length}</div>;
  }

  componentDidMount() {
    console.log('mounted');
  }
}

export function Empty() {
  return <p>Nothing here</p>;
}

function Footer() {
  return <footer>© shop</footer>;
}
`,
  inMethod: { marker: "console.log('mounted')", name: 'componentDidMount', container: 'Panel', kind: 'method' },
  span: { from: 'return <p>Nothing', to: 'return <footer>', names: ['Empty', 'Footer'] },
  added: { text: 'export function Header() {\n  return <h1>Orders</h1>;\n}\n', name: 'Header' },
};

export const javascriptSample: CodeSample = {
  path: 'lib/cart.js',
  text: `'use strict';
const { EventEmitter } = require('events');

class Cart extends EventEmitter {
  constructor() {
    super();
    this.items = [];
  }

  add(item) {
    this.items.push(item);
    this.emit('change', this.items);
  }

  get size() {
    return this.items.length;
  }
}

function Legacy(name) {
  this.name = name;
}

Legacy.prototype.greet = function () {
  return 'hi ' + this.name;
};

function sum(items) {
  return items.reduce((a, b) => a + b.price, 0);
}

function render(cart) {
  return <span>{cart.size}</span>;
}

module.exports = { Cart, Legacy, sum, render };
`,
  inMethod: { marker: "this.emit('change'", name: 'add', container: 'Cart', kind: 'method' },
  span: { from: 'return items.reduce', to: 'return <span>', names: ['sum', 'render'] },
  added: { text: 'function clear(cart) {\n  cart.items = [];\n}\n', name: 'clear' },
};

export const pythonSample: CodeSample = {
  path: 'shop/orders.py',
  text: `"""Order handling."""
from dataclasses import dataclass

MAX_ITEMS = 50


@dataclass
class Order:
    id: str
    items: list

    def total(self) -> int:
        return sum(item.price for item in self.items)

    @property
    def empty(self) -> bool:
        return not self.items

    async def persist(self, repo):
        await repo.save(self)


def load(repo, order_id):
    return repo.get(order_id)


def dump(order):
    return {"id": order.id, "total": order.total()}
`,
  inMethod: { marker: 'return sum(item.price', name: 'total', container: 'Order', kind: 'method' },
  span: { from: 'return repo.get', to: 'return {"id"', names: ['load', 'dump'] },
  added: { text: '\n\ndef cancel(order):\n    order.items.clear()\n', name: 'cancel' },
};

export const goSample: CodeSample = {
  path: 'internal/order/order.go',
  text: `package order

import (
	"errors"
	"fmt"
)

const MaxItems = 50

type Order struct {
	ID    string
	Items []Item
}

type Store interface {
	Save(o *Order) error
}

func (o *Order) Total() int {
	total := 0
	for _, it := range o.Items {
		total += it.Price
	}
	return total
}

func (o Order) String() string {
	return fmt.Sprintf("%s (%d)", o.ID, o.Total())
}

func Validate(o *Order) error {
	if len(o.Items) == 0 {
		return errors.New("empty")
	}
	return nil
}

func New(id string) *Order {
	return &Order{ID: id}
}
`,
  inMethod: { marker: 'total += it.Price', name: 'Total', container: 'Order', kind: 'method' },
  span: { from: 'return errors.New', to: 'return &Order{ID', names: ['Validate', 'New'] },
  added: { text: '\nfunc Cancel(o *Order) {\n\to.Items = nil\n}\n', name: 'Cancel' },
};

export const rustSample: CodeSample = {
  path: 'src/order.rs',
  text: `use std::fmt;

pub const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone)]
pub struct Order {
    pub id: String,
    pub items: Vec<Item>,
}

impl Order {
    pub fn new(id: &str) -> Self {
        Order { id: id.to_string(), items: Vec::new() }
    }

    pub fn total(&self) -> u64 {
        self.items.iter().map(|i| i.price).sum()
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} ({})", self.id, self.total())
    }
}

pub trait Store {
    fn save(&mut self, order: &Order) -> Result<(), String>;
}

pub fn validate(order: &Order) -> bool {
    !order.items.is_empty()
}

fn describe(order: &Order) -> String {
    format!("{}", order)
}
`,
  inMethod: { marker: 'self.items.iter().map', name: 'total', container: 'Order', kind: 'method' },
  span: { from: '!order.items.is_empty()', to: 'format!("{}", order)', names: ['validate', 'describe'] },
  added: { text: '\npub fn cancel(order: &mut Order) {\n    order.items.clear();\n}\n', name: 'cancel' },
};

export const javaSample: CodeSample = {
  path: 'src/main/java/shop/OrderService.java',
  text: `package shop;

import java.util.ArrayList;
import java.util.List;

@Service
public class OrderService {
    private final List<Order> orders = new ArrayList<>();

    public OrderService() {
    }

    public void place(Order order) {
        if (order.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        orders.add(order);
    }

    public int count() {
        return orders.size();
    }

    public long total() {
        return orders.stream().mapToLong(Order::total).sum();
    }

    static class Audit {
        void log(String message) {
            System.out.println(message);
        }
    }
}
`,
  inMethod: { marker: 'System.out.println(message)', name: 'log', container: 'OrderService.Audit', kind: 'method' },
  span: { from: 'return orders.size()', to: 'return orders.stream()', names: ['count', 'total'] },
  added: { text: 'class Refund {\n    void apply() {\n    }\n}\n', name: 'Refund' },
};

export const codeSamples: readonly CodeSample[] = [typescriptSample, tsxSample, javascriptSample, pythonSample, goSample, rustSample, javaSample];
