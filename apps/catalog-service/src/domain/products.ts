import { NotFoundError } from '@jwt-msa/http-errors';
import type { ProductRecord, ProductRepository } from '../data-access/product-repository';
import { isProductId, type NewProduct, type Page } from './product-input';

export interface Product {
  id: string;
  name: string;
  price: number;
  createdAt: string;
}

export interface ProductPage extends Page {
  items: Product[];
  total: number;
}

export class Products {
  constructor(private readonly repository: ProductRepository) {}

  async list({ limit, offset }: Page): Promise<ProductPage> {
    const [items, total] = await Promise.all([this.repository.page(limit, offset), this.repository.count()]);
    return { items: items.map(toProduct), total, limit, offset };
  }

  /** Unknown and malformed ids get the same 404. */
  async get(id: string): Promise<Product> {
    const product = isProductId(id) ? await this.repository.findById(id) : undefined;
    if (!product) throw new NotFoundError('No product with this id');
    return toProduct(product);
  }

  async create({ name, price }: NewProduct): Promise<Product> {
    // toFixed(2) is exact here: the price was checked to have at most 2 decimals.
    return toProduct(await this.repository.insert(name, price.toFixed(2)));
  }
}

function toProduct(record: ProductRecord): Product {
  return { id: record.id, name: record.name, price: Number(record.price), createdAt: record.createdAt.toISOString() };
}
